import { mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parseTfvars } from "../config/parse-hcl";

const SOURCE = 'project_name = "shop"\nallowed_ssh_ips = ["198.51.100.7/32"]\n';

function withCacheDir<T>(run: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(path.join(tmpdir(), "parse-cache-"));
  const before = process.env.SYNTH_PARSE_CACHE_DIR;
  process.env.SYNTH_PARSE_CACHE_DIR = dir;
  return run(dir).finally(() => {
    if (before === undefined) delete process.env.SYNTH_PARSE_CACHE_DIR;
    else process.env.SYNTH_PARSE_CACHE_DIR = before;
  });
}

describe("the tfvars parse cache used by npm run synth and cdktf synth", () => {
  it("returns what the parser returns, first from the parser, then from one private cache entry", async () => {
    const uncached = await parseTfvars("a.tfvars", SOURCE);
    await withCacheDir(async (dir) => {
      expect(await parseTfvars("a.tfvars", SOURCE)).toEqual(uncached);
      const entries = readdirSync(dir);
      expect(entries).toHaveLength(1);
      expect(statSync(path.join(dir, entries[0] ?? "")).mode & 0o777).toBe(0o600);
      expect(JSON.parse(readFileSync(path.join(dir, entries[0] ?? ""), "utf8"))).toEqual(uncached);
      expect(await parseTfvars("a.tfvars", SOURCE)).toEqual(uncached);
    });
  });

  it("keys entries by the exact bytes of the file", async () => {
    await withCacheDir(async (dir) => {
      await parseTfvars("a.tfvars", SOURCE);
      const changed = await parseTfvars("a.tfvars", SOURCE.replace("shop", "shop2"));
      expect(changed.project_name).toBe("shop2");
      expect(readdirSync(dir)).toHaveLength(2);
    });
  });

  it("keeps only the 16 most recent entries, however often the file is edited", async () => {
    await withCacheDir(async (dir) => {
      for (let edit = 0; edit < 20; edit++) await parseTfvars("a.tfvars", SOURCE.replace("shop", `shop${edit}`));
      expect(readdirSync(dir)).toHaveLength(16);
      expect((await parseTfvars("a.tfvars", SOURCE.replace("shop", "shop19"))).project_name).toBe("shop19");
    });
  });

  it("never caches a syntax error: the parser reports it, with its line, every time", async () => {
    await withCacheDir(async (dir) => {
      for (let attempt = 0; attempt < 2; attempt++) {
        await expect(parseTfvars("bad.tfvars", 'a = "x"\nb = = 1\n')).rejects.toThrow(/bad\.tfvars:2/);
      }
      expect(readdirSync(dir)).toHaveLength(0);
    });
  });

  it("never writes a copy of a file holding something that looks like a credential", async () => {
    await withCacheDir(async (dir) => {
      const token = ["dop", "v1", "0123456789abcdef".repeat(4)].join("_");
      await parseTfvars("leak.tfvars", `do_token = "${token}"\n`);
      // A hex-only Cloudflare global key is no detector's shape: its key's name says what it is, at any depth.
      await parseTfvars("nested.tfvars", `cloudflare = { zones = { "example.org" = { api_key = "${"3f2a9c8b7d6e5f4a".repeat(2)}3b2c1" } } }\n`);
      expect(readdirSync(dir)).toHaveLength(0);
    });
  });
});
