import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { App, TerraformStack, Testing } from "cdktf";
import { buildExamples } from "../../examples/main";
import { unescapedTemplates } from "../../lib/core";
import { blocks, dockerLabels, resourcesOf } from "../helpers/synth";

function synthAll(): Record<string, string> {
  const app = buildExamples(Testing.app());
  const out: Record<string, string> = {};
  for (const stack of app.node.children.filter((c): c is TerraformStack => c instanceof TerraformStack)) {
    out[stack.node.id] = Testing.synth(stack, true);
  }
  return out;
}

const stacks = synthAll();
const parsed = Object.fromEntries(Object.entries(stacks).map(([k, v]) => [k, JSON.parse(v)]));

describe("examples", () => {
  test("every example is its own stack of one App", () => {
    expect(Object.keys(stacks)).toEqual(expect.arrayContaining(["docker-two-tier"]));
  });

  test("synth is deterministic: two full `app.synth()` runs give byte-identical cdk.tf.json", () => {
    const runs = [0, 1].map(() => {
      const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "cdktf-hardened-det-"));
      buildExamples(new App({ outdir, skipValidation: false })).synth();
      const files: Record<string, string> = {};
      for (const s of fs.readdirSync(path.join(outdir, "stacks")))
        files[s] = fs.readFileSync(path.join(outdir, "stacks", s, "cdk.tf.json"), "utf8");
      fs.rmSync(outdir, { recursive: true, force: true });
      return files;
    });
    expect(Object.keys(runs[0]).length).toBeGreaterThan(0);
    expect(runs[1]).toEqual(runs[0]);
  });

  test.each(Object.keys(stacks))("%s: no absolute machine paths (relative local backend)", (name) => {
    expect(stacks[name]).not.toContain(process.cwd());
    const backend = parsed[name].terraform?.backend?.local;
    if (backend) expect(path.isAbsolute(backend.path)).toBe(false);
  });

  test.each(Object.keys(stacks))("%s: no secret-looking literal anywhere", (name) => {
    const text = stacks[name];
    expect(text).not.toMatch(/-----BEGIN [A-Z ]*PRIVATE KEY-----/);
    expect(text).not.toMatch(/redis:\/\/[^$" ]*:[^@$" ]+@/);
    expect(text).not.toMatch(/(PASSWORD|SECRET|TOKEN)[A-Z_]*=(?!\/)[^"$]{6,}/);
    for (const [vname, v] of Object.entries<any>(parsed[name].variable ?? {})) {
      expect({ vname, sensitive: v.sensitive, default: v.default }).toEqual({
        vname,
        sensitive: true,
        default: undefined,
      });
    }
  });

  test.each(Object.keys(stacks))("%s: every engine placeholder is escaped for Terraform", (name) => {
    expect(unescapedTemplates(stacks[name])).toEqual([]);
  });
});

describe("docker-two-tier", () => {
  const json = parsed["docker-two-tier"];
  const containers = resourcesOf(json, "docker_container").map(([, c]) => c);
  const workloads = containers.filter((c) => dockerLabels(c)["cdktf-hardened.io/role"] === "workload");

  test("snapshot (read it: every attribute below is asserted by a property test)", () => {
    expect(json).toMatchSnapshot();
  });

  test("two workloads, two seeders, the host rules keeper, two tiers, one flow network and web's exit network", () => {
    expect(workloads.map((c) => c.name).sort()).toEqual(["docker-two-tier-store", "docker-two-tier-web"]);
    expect(containers.filter((c) => c.start === false)).toHaveLength(2);
    expect(
      containers.filter((c) => dockerLabels(c)["cdktf-hardened.io/role"] === "firewall-keeper").map((c) => c.name),
    ).toEqual(["docker-two-tier-host-rules"]);
    const nets = resourcesOf(json, "docker_network").map(([, n]) => [n.name, n.internal]);
    expect(nets.sort()).toEqual([
      ["docker-two-tier-app", true],
      ["docker-two-tier-data", true],
      ["docker-two-tier-f-store-web", true],
      // web publishes its admin port on loopback: the only non-internal network, web's alone.
      ["docker-two-tier-x-web", false],
    ]);
  });

  test("every workload meets the CIS §5 defaults the provider can express", () => {
    for (const c of workloads) {
      expect(c.read_only).toBe(true);
      expect(c.capabilities).toEqual({ drop: ["ALL"] });
      expect(c.security_opts).toEqual(["no-new-privileges:true"]);
      expect(c.privileged).toBe(false);
      expect(Number(c.user.split(":")[0])).toBeGreaterThanOrEqual(10000);
      expect(c.memory).toBe(c.memory_swap);
      expect(c.restart).toBe("on-failure");
      expect(c.max_retry_count).toBeLessThanOrEqual(5);
      expect(c.healthcheck.test[0]).toBe("CMD");
      expect(c.upload).toBeUndefined();
      for (const p of blocks<any>(c.ports)) expect(p.ip).toBe("127.0.0.1");
    }
  });

  test("each workload has its own uid", () => {
    expect(new Set(workloads.map((c) => c.user)).size).toBe(workloads.length);
  });

  test("only the admin port is published, on loopback", () => {
    expect(workloads.flatMap((c) => blocks<any>(c.ports))).toEqual([
      { internal: 9090, external: 9090, ip: "127.0.0.1", protocol: "tcp" },
    ]);
  });

  test("the store password reaches the containers only as a file; the value only as ${var.store_password}", () => {
    for (const c of workloads) expect(c.env).toContain("STORE_PASSWORD_FILE=/run/secrets/store_password");
    const uploads = containers.flatMap((c) => blocks<any>(c.upload));
    expect(uploads.map((u) => u.content)).toEqual(["${var.store_password}", "${var.store_password}"]);
    expect(json.variable.store_password.sensitive).toBe(true);
  });
});

describe("iii-docker", () => {
  const json = parsed["iii-docker"];
  const containers = resourcesOf(json, "docker_container").map(([, c]) => c);
  const byRole = (role: string) => containers.filter((c) => dockerLabels(c)["cdktf-hardened.io/role"] === role);

  test("snapshot (read it: the properties below say why it is right)", () => {
    expect(json).toMatchSnapshot();
  });

  test("the edge alone publishes, and only 443 and 80", () => {
    for (const c of containers.filter((x) => blocks(x.ports).length > 0))
      expect(dockerLabels(c)["cdktf-hardened.io/role"]).toBe("edge");
    expect(
      byRole("edge")
        .flatMap((c) => blocks<any>(c.ports).map((p) => p.external))
        .sort(),
    ).toEqual([443, 80]);
  });

  test("flows: edge -> iii:http, worker -> iii:worker, iii -> redis:redis, nothing else", () => {
    const flows = new Set(
      containers.flatMap((c) => (dockerLabels(c)["cdktf-hardened.io/flows"] ?? "").split(",").filter(Boolean)),
    );
    expect([...flows].sort()).toEqual(["edge>iii:http", "iii>redis:redis", "worker>iii:worker"]);
  });

  test("the iii config is 0.22 YAML with Redis credentials only as Terraform expressions", () => {
    const { parse } = require("yaml");
    const upload = containers.flatMap((c) => blocks<any>(c.upload)).find((u) => u.file.endsWith("config.yaml"));
    const doc = parse(upload.content.replace(/\$\{[^}]+\}/g, "x"));
    expect(doc.workers.map((w: any) => w.name)).toContain("iii-worker-manager");
    expect(upload.content).toContain(
      'redis://iii:${replace(urlencode(var.redis_iii_password), "+", "%20")}@redis:6379',
    );
  });

  test("every workload except the seeders runs read-only with no capabilities", () => {
    for (const c of [...byRole("workload"), ...byRole("edge")]) {
      expect(c.read_only).toBe(true);
      expect(c.capabilities).toEqual({ drop: ["ALL"] });
    }
  });
});
