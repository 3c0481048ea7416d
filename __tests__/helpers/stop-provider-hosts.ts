/**
 * jest setupFilesAfterEnv: the offline Terraform provider hosts a test file started stop when
 * the file ends. Each file has its own copy of the module that keeps them, and its own `process`
 * object, whose exit handler never runs under jest; without this they would live until the
 * worker ends (about 70 MB each).
 */
import { stopProviderHosts } from "../../offline-terraform/runner/provider-hosts";

afterAll(() => stopProviderHosts());
