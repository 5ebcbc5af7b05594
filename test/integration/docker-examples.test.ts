import Docker from "dockerode";
import { AppliedStack, blocks } from "./applier";
import { connect, describeWithEngine, dockerMessage, exec, ExecResult, sleep } from "./engine";
import { capabilityMask, DeclaredWorkload, DockerExample, dockerExamples, networkName, randomVariables } from "./examples";
import { FirewallScript, hostConnect, hostListeners, HostService, OutsideHost } from "./host";
import { standInFor } from "./standins";

/**
 * Applies every Docker example (examples/main.ts) to a real engine and checks the hardening at
 * run time. Adding an example to examples/main.ts adds it here; a new image needs one line in
 * standins.ts. Run: `npx jest --selectProjects integration` (root, an engine on the socket).
 */
/** The Docker examples (stack ids of examples/main.ts) this suite applies: adding one is one line. */
const COVERED = [
  "docker-two-tier",
];
const ALL = dockerExamples();
const EXAMPLES = ALL.filter((e) => COVERED.includes(e.id));
const UNCOVERED = ALL.filter((e) => !COVERED.includes(e.id)).map((e) => e.id);
if (UNCOVERED.length) {
  // eslint-disable-next-line no-console
  console.warn(`[integration] Docker examples not yet applied on the engine (add them to COVERED, and their images to STAND_INS): ${UNCOVERED.join(", ")}`);
}
const MiB = 1024 * 1024;
const PROBE_IMAGE = "cdktf-hardened.test/probe";
const PROBE_LABELS = { "cdktf-hardened.io/managed-by": "cdktf-hardened", "cdktf-hardened.io/role": "integration-probe" };
/** A non-internal test network for the egress positive control (outside the platform's 10.213.0.0/16 pool). */
const EGRESS_NET = { name: "hd-it-egress", subnet: "10.254.250.0/28", gateway: "10.254.250.1", bridge: "hd-it-egress" };

/** TCP connect from inside a container (busybox nc in the stand-ins); ok when it connected. */
async function reach(docker: Docker, container: string, host: string, port: number): Promise<ExecResult & { ok: boolean }> {
  const r = await exec(docker, container, ["busybox", "timeout", "5", "busybox", "nc", "-w", "2", host, String(port)], { timeoutMs: 15000 });
  return { ...r, ok: r.exitCode === 0 };
}

function statusField(status: string, field: string): string {
  const m = new RegExp(`^${field}:\\s*(.*)$`, "m").exec(status);
  if (!m) throw new Error(`no ${field} in /proc status`);
  return m[1].trim();
}

describeWithEngine("Docker examples on a real engine", () => {
  test("every covered example exists in examples/main.ts", () => {
    expect(EXAMPLES.map((e) => e.id).sort()).toEqual([...COVERED].sort());
  });

  describe.each(EXAMPLES.map((e) => [e.id, e] as const))("%s", (_id, ex: DockerExample) => {
    const docker = connect();
    const variables = randomVariables(ex.json);
    const applied = new AppliedStack({ docker, variables, image: (r) => standInFor(docker, r), providerDefects: "record" });
    const probes: string[] = [];
    let egressNet: Docker.Network | undefined;
    const outside = new OutsideHost();
    const hostService = new HostService();
    const firewalls = ex.platforms.map((p) => new FirewallScript(p.hostFirewallScript()));
    let healthy: Promise<Record<string, string>>;
    let applyError: Error | undefined;
    const inspect = (w: DeclaredWorkload) => docker.getContainer(w.containerName).inspect();
    const addressOn = async (w: DeclaredWorkload, network: string) => (await inspect(w)).NetworkSettings.Networks[network]?.IPAddress;

    /** A hardened, non-root probe container of the tests on `network`. */
    async function probe(network: string): Promise<string> {
      const name = `hd-it-probe-${probes.length}`;
      await docker.getContainer(name).remove({ force: true }).catch(() => undefined);
      const c = await docker.createContainer({
        name,
        Image: await standInFor(docker, PROBE_IMAGE),
        User: "10999:10999",
        Labels: PROBE_LABELS,
        HostConfig: { NetworkMode: network, ReadonlyRootfs: true, CapDrop: ["ALL"], SecurityOpt: ["no-new-privileges:true"], Memory: 32 * MiB },
      });
      probes.push(name);
      await c.start();
      return name;
    }

    beforeAll(async () => {
      try {
        await applied.apply(ex.json);
      } catch (e) {
        applyError = e as Error;
        throw e;
      }
      // Health checks run every interval (30 s by default): wait in the background.
      healthy = (async () => {
        const deadline = Date.now() + 150_000;
        const status: Record<string, string> = {};
        for (;;) {
          for (const w of ex.workloads) status[w.name] = (await inspect(w)).State.Health?.Status ?? "none";
          if (Object.values(status).every((s) => s === "healthy") || Date.now() > deadline) return status;
          if (Object.values(status).some((s) => s === "unhealthy")) return status;
          await sleep(1000);
        }
      })();
      healthy.catch(() => undefined);
    });

    afterAll(async () => {
      const errors: string[] = [];
      for (const f of firewalls) {
        try {
          f.remove();
        } catch (e) {
          errors.push(`firewall: ${(e as Error).message}`);
        }
      }
      outside.stop();
      await hostService.stop();
      for (const p of probes) await docker.getContainer(p).remove({ force: true }).catch((e) => errors.push(`${p}: ${dockerMessage(e)}`));
      if (egressNet) await egressNet.remove().catch((e) => errors.push(`${EGRESS_NET.name}: ${dockerMessage(e)}`));
      await applied.destroy().catch((e) => errors.push((e as Error).message));
      if (errors.length) throw new Error(`teardown: ${errors.join("; ")}`);
    });

    test("applies with kreuzwerker/docker 3.6.2 semantics: no provider defect, no ordering race", () => {
      expect(applyError).toBeUndefined();
      // Each defect is what `terraform apply` would hit; the applier worked around it so the checks below run.
      expect(applied.defects).toEqual([]);
    });

    test("every workload runs as its declared non-root uid/gid, with no capabilities and no-new-privileges", async () => {
      for (const w of ex.workloads) {
        const { uid, gid } = w.container.spec.identity;
        expect(uid).toBeGreaterThanOrEqual(10000);
        // Every process of the container, not only PID 1.
        const r = await exec(docker, w.containerName, ["sh", "-c", "for s in /proc/[0-9]*/status; do echo ===; cat $s; done"]);
        const statuses = r.stdout.split("===").map((s) => s.trim()).filter((s) => s.startsWith("Name:"));
        expect(statuses.length).toBeGreaterThan(0);
        const bnd = capabilityMask(w.container.spec.addCapabilities);
        for (const st of statuses) {
          const who = `${w.name} ${statusField(st, "Name")}`;
          expect(`${who} Uid ${statusField(st, "Uid")}`).toBe(`${who} Uid ${[uid, uid, uid, uid].join("\t")}`);
          expect(`${who} Gid ${statusField(st, "Gid")}`).toBe(`${who} Gid ${[gid, gid, gid, gid].join("\t")}`);
          expect(`${who} CapEff ${BigInt("0x" + statusField(st, "CapEff"))}`).toBe(`${who} CapEff 0`);
          expect(`${who} CapPrm ${BigInt("0x" + statusField(st, "CapPrm"))}`).toBe(`${who} CapPrm 0`);
          expect(`${who} CapBnd ${BigInt("0x" + statusField(st, "CapBnd"))}`).toBe(`${who} CapBnd ${bnd}`);
          expect(`${who} NoNewPrivs ${statusField(st, "NoNewPrivs")}`).toBe(`${who} NoNewPrivs 1`);
        }
        const i = await inspect(w);
        expect(i.HostConfig.Privileged).toBe(false);
        expect(i.Config.User).toBe(`${uid}:${gid}`);
      }
    });

    test("the root filesystem is read-only; every declared writable path (tmpfs, volumes) is writable by the workload", async () => {
      for (const w of ex.workloads) {
        const root = await exec(docker, w.containerName, ["sh", "-c", "echo x > /.it-write-test"]);
        expect(`${w.name}: ${root.exitCode} ${root.stderr.trim()}`).toMatch(new RegExp(`^${w.name}: [1-9]\\d* .*Read-only file system`));
        const writable = [
          ...Object.keys(w.body.tmpfs ?? {}),
          ...blocks<any>(w.body.mounts).filter((m) => m.read_only !== true).map((m) => m.target as string),
        ];
        expect(writable).toContain("/tmp");
        for (const p of w.container.spec.writablePaths) expect(writable).toContain(p.path);
        for (const path of writable) {
          const r = await exec(docker, w.containerName, ["sh", "-c", `f="${path}/.it-write-test" && echo ok > "$f" && cat "$f" && rm "$f"`]);
          expect(`${w.name}:${path} ${r.exitCode} ${r.stdout.trim()} ${r.stderr.trim()}`).toBe(`${w.name}:${path} 0 ok `);
        }
        for (const m of blocks<any>(w.body.mounts).filter((x) => x.read_only === true)) {
          const r = await exec(docker, w.containerName, ["sh", "-c", `echo x > "${m.target}/.it-write-test"`]);
          expect(`${w.name}:${m.target} ${r.exitCode} ${r.stderr.trim()}`).toMatch(/ [1-9]\d* .*(Read-only file system|Permission denied)/);
        }
      }
    });

    test("memory (swap = memory), cpu and ulimits are set as declared", async () => {
      for (const w of ex.workloads) {
        const res = w.container.spec.resources;
        const i = await inspect(w);
        expect(i.HostConfig.Memory).toBe(res.memoryMiB * MiB);
        expect(i.HostConfig.MemorySwap).toBe(res.memoryMiB * MiB);
        const cg = await exec(docker, w.containerName, [
          "sh",
          "-c",
          "if [ -f /sys/fs/cgroup/cgroup.controllers ]; then echo v2; cat /sys/fs/cgroup/memory.max /sys/fs/cgroup/memory.swap.max /sys/fs/cgroup/cpu.max; " +
            "else echo v1; cat /sys/fs/cgroup/memory/memory.limit_in_bytes; cat /sys/fs/cgroup/memory/memory.memsw.limit_in_bytes 2>/dev/null || echo none; cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us /sys/fs/cgroup/cpu/cpu.cfs_period_us; fi",
        ]);
        const lines = cg.stdout.trim().split(/\s+/);
        let quota: number;
        let period: number;
        if (lines[0] === "v1") {
          expect(Number(lines[1])).toBe(res.memoryMiB * MiB);
          if (lines[2] !== "none") expect(Number(lines[2])).toBe(res.memoryMiB * MiB); // memory + swap
          [quota, period] = [Number(lines[3]), Number(lines[4])];
        } else {
          expect(Number(lines[1])).toBe(res.memoryMiB * MiB);
          expect(lines[2]).toBe("0"); // no swap beyond memory
          [quota, period] = [Number(lines[3]), Number(lines[4])];
        }
        expect(quota / period).toBeCloseTo(res.cpuMillis / 1000, 3);
        const limits = (await exec(docker, w.containerName, ["cat", "/proc/1/limits"])).stdout;
        expect(limits).toMatch(new RegExp(`Max open files\\s+${w.container.spec.nofile}\\s+${w.container.spec.nofile}\\s`));
        expect(limits).toMatch(new RegExp(`Max processes\\s+${w.container.spec.nproc}\\s+${w.container.spec.nproc}\\s`));
      }
    });

    test("restart policy and log options are as declared (on-failure at most 5, json-file rotation)", async () => {
      for (const w of ex.workloads) {
        const i = await inspect(w);
        expect(w.body.restart).toBe("on-failure");
        expect(w.body.max_retry_count).toBeLessThanOrEqual(5);
        expect(i.HostConfig.RestartPolicy).toEqual({ Name: w.body.restart, MaximumRetryCount: w.body.max_retry_count });
        expect(i.HostConfig.LogConfig).toEqual({ Type: w.body.log_driver, Config: w.body.log_opts });
        expect(i.HostConfig.LogConfig?.Type).toBe("json-file");
      }
    });

    test("joins only its declared networks (never the default bridge), with its aliases and fixed flow addresses", async () => {
      for (const w of ex.workloads) {
        const nets = (await inspect(w)).NetworkSettings.Networks;
        expect(Object.keys(nets).sort()).toEqual([...w.networks].sort());
        expect(Object.keys(nets)).not.toContain("bridge");
        for (const n of blocks<any>(w.body.networks_advanced)) {
          const name = networkName(ex.json, n.name);
          for (const a of n.aliases ?? []) expect(`${w.name}@${name}: ${nets[name].Aliases?.join(",")}`).toContain(a);
          if (n.ipv4_address) expect(nets[name].IPAddress).toBe(n.ipv4_address);
        }
      }
    });

    test("secrets reach the workload as read-only files and appear nowhere in docker inspect", async () => {
      const values = Object.values(variables);
      expect(values.length).toBeGreaterThan(0);
      for (const c of applied.ofType("docker_container")) {
        const text = JSON.stringify(await docker.getContainer(c.id).inspect());
        for (const v of values) expect(`${c.address}: ${text.includes(v) ? "contains a secret value" : "clean"}`).toBe(`${c.address}: clean`);
      }
      for (const c of [...applied.ofType("docker_network"), ...applied.ofType("docker_volume")]) {
        const obj = c.type === "docker_network" ? docker.getNetwork(c.id) : docker.getVolume(c.id);
        const text = JSON.stringify(await (obj as Docker.Network).inspect());
        for (const v of values) expect(text.includes(v)).toBe(false);
      }
      let checked = 0;
      for (const w of ex.workloads) {
        for (const s of w.container.spec.secrets.filter((x) => x.secret.source === "variable")) {
          const r = await exec(docker, w.containerName, ["cat", s.path]);
          expect(`${w.name}:${s.path} ${r.exitCode}`).toBe(`${w.name}:${s.path} 0`);
          expect(r.stdout === variables[s.secret.name]).toBe(true);
          const env = (await inspect(w)).Config.Env ?? [];
          if (s.pathEnv) expect(env).toContain(`${s.pathEnv}=${s.path}`);
          checked++;
        }
      }
      expect(checked).toBeGreaterThan(0);
    });

    test("seeders were created, filled and never started; they join no network", async () => {
      const seeders = applied.ofType("docker_container").filter((c) => c.body.start === false);
      for (const s of seeders) {
        const i = await docker.getContainer(s.id).inspect();
        expect(i.State.Status).toBe("created");
        expect(i.State.StartedAt).toMatch(/^0001-01-01/);
        expect(Object.keys(i.NetworkSettings.Networks)).toEqual(["none"]);
      }
    });

    test("published ports listen on 127.0.0.1 only (the edge aside) and answer there", async () => {
      const infos = await Promise.all(ex.workloads.map((w) => inspect(w)));
      for (const [idx, w] of ex.workloads.entries()) {
        for (const p of w.container.spec.ports.filter((x) => x.publishedPort !== undefined)) {
          const expected = p.exposure === "public" ? "0.0.0.0" : "127.0.0.1";
          const bindings = infos[idx].HostConfig.PortBindings?.[`${p.port}/${p.protocol}`] ?? [];
          expect(bindings).toEqual([{ HostIp: expected, HostPort: String(p.publishedPort) }]);
          if (p.exposure === "public") continue;
          expect(hostListeners(p.publishedPort!)).toEqual(["127.0.0.1"]);
          expect(await hostConnect("127.0.0.1", p.publishedPort!)).toBeDefined();
          // Not on the host's other addresses (e.g. a bridge gateway).
          const gw = Object.values(infos[idx].NetworkSettings.Networks)[0].Gateway;
          expect(await hostConnect(gw, p.publishedPort!, 2000)).toBeUndefined();
        }
      }
    });

    test("containers on different tiers cannot reach each other", async () => {
      let pairs = 0;
      for (const a of ex.workloads) {
        for (const b of ex.workloads) {
          if (a === b || a.container.spec.tier.name === b.container.spec.tier.name) continue;
          const ip = await addressOn(b, b.tierNetwork);
          for (const p of b.container.spec.ports) {
            const r = await reach(docker, a.containerName, ip, p.port);
            expect(`${a.name} -> ${b.name} ${b.tierNetwork} ${ip}:${p.port} ${r.ok ? "reached" : "blocked"}`).toMatch(/blocked$/);
            pairs++;
          }
        }
      }
      if (new Set(ex.workloads.map((w) => w.container.spec.tier.name)).size > 1) expect(pairs).toBeGreaterThan(0);
    });

    test("ICC is blocked on tier networks where it is off (a probe on the same tier reaches nothing)", async () => {
      let checked = 0;
      for (const [name, net] of Object.entries(ex.networks)) {
        if (net.icc || net.role !== "tier-network") continue;
        const members = ex.workloads.filter((w) => w.tierNetwork === name);
        if (!members.length) continue;
        const p = await probe(name);
        const probeIp = (await docker.getContainer(p).inspect()).NetworkSettings.Networks[name].IPAddress;
        for (const w of members) {
          const ip = await addressOn(w, name);
          for (const port of w.container.spec.ports) {
            const r = await reach(docker, p, ip, port.port);
            expect(`probe -> ${w.name} ${ip}:${port.port} on ${name}: ${r.ok ? "reached" : "blocked"}`).toMatch(/blocked$/);
            checked++;
          }
          const back = await reach(docker, w.containerName, probeIp, 8080);
          expect(`${w.name} -> probe ${probeIp}:8080 on ${name}: ${back.ok ? "reached" : "blocked"}`).toMatch(/blocked$/);
        }
      }
      expect(checked).toBeGreaterThan(0);
    });

    test("flow peers reach each other on the flow port (by name); Docker opens every port both ways until the host rules narrow it", async () => {
      expect(ex.flows.length).toBeGreaterThan(0);
      for (const f of ex.flows) {
        const r = await reach(docker, f.from.containerName, f.to.name, f.port);
        expect(`${f.from.name} -> ${f.to.name}:${f.port} ${r.exitCode} ${r.stderr.trim()}`).toBe(`${f.from.name} -> ${f.to.name}:${f.port} 0 `);
        // A second listener in the target, as its own user (positive control for the host rules).
        const extraListener = await docker.getContainer(f.to.containerName).exec({ Cmd: ["busybox", "nc", "-ll", "-p", String(f.port + 1), "-e", "/bin/echo", "extra"] });
        // Detached: the daemon answers at once; close the response stream or it keeps jest alive.
        const started = (await extraListener.start({ Detach: true })) as unknown as NodeJS.ReadableStream & { destroy?: () => void };
        started?.destroy?.();
        await sleep(300);
        const extra = await reach(docker, f.from.containerName, f.to.name, f.port + 1);
        expect(`${f.from.name} -> ${f.to.name}:${f.port + 1} (undeclared) ${extra.ok ? "reached" : "blocked"}`).toMatch(/reached$/);
      }
    });

    test("traffic from internal networks is not forwarded off the host (fake outside host in a netns; positive control from a non-internal network)", async () => {
      outside.start();
      egressNet = await docker.createNetwork({
        Name: EGRESS_NET.name,
        Driver: "bridge",
        Labels: PROBE_LABELS,
        IPAM: { Config: [{ Subnet: EGRESS_NET.subnet, Gateway: EGRESS_NET.gateway }] },
        Options: { "com.docker.network.bridge.name": EGRESS_NET.bridge },
      });
      const p = await probe(EGRESS_NET.name);
      const control = await reach(docker, p, outside.address, outside.port);
      expect(`control ${control.stdout.trim()}`).toBe(`control ${outside.token}`);
      for (const w of ex.workloads) {
        const anyEgress = w.networks.some((n) => ex.networks[n] && !ex.networks[n].internal);
        const r = await reach(docker, w.containerName, outside.address, outside.port);
        expect(`${w.name} (${anyEgress ? "has" : "no"} egress network) -> outside: ${r.stdout.includes(outside.token) ? "reached" : "blocked"}`).toBe(
          `${w.name} (${anyEgress ? "has" : "no"} egress network) -> outside: ${anyEgress ? "reached" : "blocked"}`,
        );
      }
    });

    test("the healthcheck reaches healthy", async () => {
      const status = await healthy;
      expect(status).toEqual(Object.fromEntries(ex.workloads.map((w) => [w.name, "healthy"])));
    });

    describe("with the generated host firewall rules applied", () => {
      beforeAll(async () => {
        await hostService.start();
      });

      test("before the rules, every bridge (internal too) reaches a host service listening on all interfaces through its gateway", async () => {
        for (const w of ex.workloads) {
          const nets = (await inspect(w)).NetworkSettings.Networks;
          for (const [name, n] of Object.entries(nets)) {
            const r = await reach(docker, w.containerName, n.Gateway, hostService.port);
            expect(`${w.name} -> host ${n.Gateway} (${name}) ${r.stdout.includes(hostService.token) ? "reached" : "blocked"}`).toMatch(/reached$/);
          }
        }
      });

      test("the rules narrow each flow network to its port and direction, and block INPUT from every bridge", async () => {
        for (const f of firewalls) f.apply();
        for (const f of ex.flows) {
          const ok = await reach(docker, f.from.containerName, f.to.name, f.port);
          expect(`${f.from.name} -> ${f.to.name}:${f.port} ${ok.stdout.trim() || ok.stderr.trim()}`).toMatch(new RegExp(`:${f.port} .*standin`));
          const extra = await reach(docker, f.from.containerName, f.to.name, f.port + 1);
          expect(`${f.from.name} -> ${f.to.name}:${f.port + 1} (undeclared) ${extra.ok ? "reached" : "blocked"}`).toMatch(/blocked$/);
          const fromIp = await addressOn(f.from, f.network);
          for (const p of f.from.container.spec.ports) {
            const back = await reach(docker, f.to.containerName, fromIp, p.port);
            expect(`${f.to.name} -> ${f.from.name}:${p.port} (reverse) ${back.ok ? "reached" : "blocked"}`).toMatch(/blocked$/);
          }
        }
        for (const w of ex.workloads) {
          const nets = (await inspect(w)).NetworkSettings.Networks;
          for (const [name, n] of Object.entries(nets)) {
            const r = await reach(docker, w.containerName, n.Gateway, hostService.port);
            expect(`${w.name} -> host ${n.Gateway} (${name}) ${r.stdout.includes(hostService.token) ? "reached" : "blocked"}`).toMatch(/blocked$/);
          }
        }
        // Replies stay allowed: loopback-published ports and the health checks keep working.
        for (const w of ex.workloads) {
          for (const p of w.container.spec.ports.filter((x) => x.exposure === "loopback")) expect(await hostConnect("127.0.0.1", p.publishedPort!)).toBeDefined();
        }
      });

      test("a loopback-published port cannot be reached from a LAN neighbour (Docker < 28 DNATs 127.0.0.1 from any interface)", async () => {
        const published = ex.workloads.flatMap((w) => w.container.spec.ports.filter((p) => p.exposure === "loopback").map((p) => ({ w, p })));
        if (!published.length) return;
        outside.routeLoopbackViaHost();
        for (const { w, p } of published) {
          const reached = outside.connects("127.0.0.1", p.publishedPort!);
          expect(`LAN -> 127.0.0.1:${p.publishedPort} (${w.name}) ${reached ? "reached" : "blocked"}`).toBe(`LAN -> 127.0.0.1:${p.publishedPort} (${w.name}) blocked`);
        }
      });

      test("removing the rules leaves no chain behind", () => {
        for (const f of firewalls) {
          f.remove();
          expect(f.leftovers()).toEqual([]);
        }
      });
    });
  });
});
