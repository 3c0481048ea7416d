import { EXAMPLE_SOURCE } from "./synth";

/** The example plus one more booted OVH member of the mesh (edge-lab, 10.8.0.4). */
export const WITH_EXTRA_PEER = EXAMPLE_SOURCE.replace(
  "  app = {",
  `  edge-lab = {
    provider             = "ovh"
    role                 = "A third OVH server joining the mesh"
    public_ipv4          = "198.51.100.40"
    mesh_address         = "10.8.0.4"
    wireguard_public_key = "YOY0Rb5cQHGGXeqjG1vKfRlVmxm6sTUOtc7PCZkhNU4="
    ssh_host_key         = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJQI2EQp0p3rlkBs7jN4hH2oZm3QemMO3SIqmkSIqv0v"
  }
  app = {`,
);
