import { ChildProcess, execFile, execFileSync, spawn } from "child_process";
import { createServer, Server, Socket } from "net";

/**
 * Host-side fixtures of the network tests: a fake outside host in a network namespace, a host
 * service listening on all interfaces, and the generated iptables rules — each removed again by
 * the same object that made it. Needs root (the CI job and the dockerd host run as root).
 */

function run(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}
function tryRun(cmd: string, args: string[]): boolean {
  try {
    run(cmd, args);
    return true;
  } catch {
    return false;
  }
}

/**
 * A fake host "outside" this machine: namespace `ns`, veth `host`<->`peer` on a /30 from
 * TEST-NET-2 (198.51.100.0/24, never routed on the internet), a TCP listener answering `token`,
 * and a default route back via the host so a missing reply route can never fake a "blocked".
 */
export class OutsideHost {
  public readonly hostAddress = "198.51.100.1";
  public readonly address = "198.51.100.2";
  public readonly port = 18080;
  public readonly token = "outside-host";
  private listener?: ChildProcess;
  private readonly extraListeners: ChildProcess[] = [];

  constructor(
    private readonly ns = "it-outside",
    private readonly hostIf = "it-out0",
    private readonly peerIf = "it-out1",
  ) {}

  public start(): void {
    this.stop();
    run("ip", ["netns", "add", this.ns]);
    run("ip", ["link", "add", this.hostIf, "type", "veth", "peer", "name", this.peerIf]);
    run("ip", ["link", "set", this.peerIf, "netns", this.ns]);
    run("ip", ["addr", "add", `${this.hostAddress}/30`, "dev", this.hostIf]);
    run("ip", ["link", "set", this.hostIf, "up"]);
    this.inNs("ip", ["addr", "add", `${this.address}/30`, "dev", this.peerIf]);
    this.inNs("ip", ["link", "set", this.peerIf, "up"]);
    this.inNs("ip", ["link", "set", "lo", "up"]);
    this.inNs("ip", ["route", "add", "default", "via", this.hostAddress]);
    // busybox nc -ll -e: a persistent server answering one line per connection.
    this.listener = spawn(
      "ip",
      ["netns", "exec", this.ns, "busybox", "nc", "-ll", "-p", String(this.port), "-e", "/bin/echo", this.token],
      { stdio: "ignore" },
    );
  }

  /**
   * Gives the fake host a further address (e.g. an example's egress destination): on its side of
   * the veth, with a host route to it. Call after {@link start}; {@link stop} removes it.
   */
  public addAddress(address: string): void {
    this.inNs("ip", ["addr", "add", `${address}/32`, "dev", this.peerIf]);
    run("ip", ["route", "replace", `${address}/32`, "via", this.address, "dev", this.hostIf]);
  }

  /** A further listener answering `token` on `port` (every address of the namespace). */
  public listen(port: number): void {
    this.extraListeners.push(
      spawn(
        "ip",
        ["netns", "exec", this.ns, "busybox", "nc", "-ll", "-p", String(port), "-e", "/bin/echo", this.token],
        { stdio: "ignore" },
      ),
    );
  }

  /** Runs a command inside the namespace. */
  public inNs(cmd: string, args: string[]): string {
    return run("ip", ["netns", "exec", this.ns, cmd, ...args]);
  }

  /**
   * Turns the namespace into a LAN neighbour that sends packets for 127.0.0.1 to this host (as
   * any machine on the segment can): 127.0.0.1 leaves lo and is routed via the host.
   */
  public routeLoopbackViaHost(): void {
    tryRun("ip", ["netns", "exec", this.ns, "ip", "addr", "del", "127.0.0.1/8", "dev", "lo"]);
    tryRun("ip", [
      "netns",
      "exec",
      this.ns,
      "ip",
      "route",
      "del",
      "local",
      "127.0.0.0/8",
      "dev",
      "lo",
      "table",
      "local",
    ]);
    this.inNs("ip", ["route", "replace", "127.0.0.1/32", "via", this.hostAddress, "dev", this.peerIf]);
    // Accept the replies, whose source is 127.0.0.1, on the veth.
    this.inNs("sysctl", ["-qw", "net.ipv4.conf.all.route_localnet=1", `net.ipv4.conf.${this.peerIf}.route_localnet=1`]);
  }

  /** Routes `cidr` (a platform subnet) from the namespace via this host, as a LAN neighbour can. */
  public routeVia(cidr: string): void {
    this.inNs("ip", ["route", "replace", cidr, "via", this.hostAddress]);
  }

  /** {@link connects}, without blocking the event loop (many probes at once). */
  public connectsAsync(host: string, port: number): Promise<boolean> {
    return new Promise((resolve) => {
      const child = execFile(
        "ip",
        ["netns", "exec", this.ns, "busybox", "timeout", "5", "busybox", "nc", "-w", "2", host, String(port)],
        { timeout: 10000 },
        (err) => resolve(!err),
      );
      // nc sends its stdin, then quits: an open stdin would hold a connected nc until the timeout kills it.
      child.stdin?.end();
    });
  }

  /** Whether a TCP connection from the namespace to host:port is established (busybox nc). */
  public connects(host: string, port: number): boolean {
    try {
      this.inNs("busybox", ["timeout", "5", "busybox", "nc", "-w", "2", host, String(port)]);
      return true;
    } catch {
      return false;
    }
  }

  public stop(): void {
    if (this.listener?.pid) {
      try {
        process.kill(this.listener.pid, "SIGTERM");
      } catch {
        /* already gone */
      }
    }
    this.listener = undefined;
    for (const l of this.extraListeners.splice(0)) {
      try {
        if (l.pid) process.kill(l.pid, "SIGTERM");
      } catch {
        /* already gone */
      }
    }
    tryRun("ip", ["link", "del", this.hostIf]); // its routes go with it
    tryRun("ip", ["netns", "del", this.ns]);
  }
}

/** A host service listening on every interface (0.0.0.0), answering `token`; lives in this process. */
export class HostService {
  public readonly token = "host-service";
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  public port = 0;

  public async start(): Promise<void> {
    this.server = createServer((s) => {
      this.sockets.add(s);
      s.on("close", () => this.sockets.delete(s));
      s.on("error", () => undefined);
      s.end(`${this.token}\n`);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "0.0.0.0", resolve));
    this.port = (this.server.address() as { port: number }).port;
  }

  public async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    if (this.server) await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server = undefined;
  }
}

/**
 * The generated host firewall script, applied with `sh` and removed again: every chain it
 * creates (`iptables [-t T] -N NAME`) is unhooked from the chains it was inserted into, flushed
 * and deleted; any other rule it inserts into a built-in table is deleted by inverting -I/-A.
 */
export class FirewallScript {
  private applied = false;

  constructor(public readonly script: string) {}

  public apply(): void {
    this.applied = true;
    execFileSync("sh", ["-c", this.script], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  }

  public remove(): void {
    if (!this.applied) return;
    const chains = new Map<string, string>(); // chain → table
    for (const m of this.script.matchAll(/iptables(?: -t (\w+))? -N ([\w-]+)/g)) chains.set(m[2], m[1] ?? "filter");
    // Hooks: "iptables [-t T] -I|-A PARENT [n] -j CHAIN"
    for (const m of this.script.matchAll(/iptables(?: -t (\w+))? -[IA] ([\w-]+)(?: \d+)? (.*)$/gm)) {
      const [, table = "filter", parent, spec] = m;
      if (chains.has(parent)) continue; // rules inside our chains go with the chain
      const args = ["-t", table, "-D", parent, ...spec.trim().split(/\s+/)];
      for (let i = 0; i < 20 && tryRun("iptables", args); i++) {
        /* delete every copy */
      }
    }
    for (const [chain, table] of chains) {
      tryRun("iptables", ["-t", table, "-F", chain]);
      tryRun("iptables", ["-t", table, "-X", chain]);
    }
    this.applied = false;
  }

  /** Chains of the script still present (for the clean-up assertion). */
  public leftovers(): string[] {
    const out = run("iptables-save", []);
    return [...this.script.matchAll(/iptables(?: -t \w+)? -N ([\w-]+)/g)]
      .map((m) => m[1])
      .filter((c) => out.includes(`:${c} `));
  }
}

/**
 * A platform's host rules script (`DockerPlatform.hostFirewallScript()`), run on the host in one of
 * its modes: `check` (true when every rule is in place), `apply`, `remove`.
 */
export class HostRulesScript {
  constructor(public readonly script: string) {}

  public run(mode: "check" | "apply" | "remove"): boolean {
    try {
      execFileSync("sh", ["-c", this.script, "it-host-rules", mode], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
      });
      return true;
    } catch {
      return false;
    }
  }

  /** Chains of the script present on the host (for the clean-up assertion). */
  public chains(): string[] {
    const out = [run("iptables-save", []), run("iptables-save", ["-t", "raw"])].join("\n");
    const chain = /^fwd=(\S+)$/m.exec(this.script)![1];
    const shared = /^shared=(\S+)$/m.exec(this.script)?.[1];
    return [chain, `${chain}-IN`, `${chain}-RAW`, ...(shared ? [shared] : [])].filter((c) => out.includes(`:${c} `));
  }
}

/** Polls `pred` every 500 ms until it holds or `ms` pass; the elapsed milliseconds, or undefined. */
export async function until(pred: () => boolean | Promise<boolean>, ms: number): Promise<number | undefined> {
  const start = Date.now();
  for (;;) {
    if (await pred()) return Date.now() - start;
    if (Date.now() - start > ms) return undefined;
    await new Promise((r) => setTimeout(r, 500));
  }
}

/**
 * Restarts the engine started by ci-docker.sh (by its PID file): `between` runs while dockerd is
 * down. Undefined when this engine was not started that way (a developer's own dockerd).
 */
export function ciDockerdRestartable(): boolean {
  const state = process.env.CI_DOCKER_STATE ?? "/tmp/ci-docker";
  return require("fs").existsSync(`${state}/dockerd.pid`);
}

export function restartCiDockerd(between: () => void): void {
  const script = require("path").join(__dirname, "ci-docker.sh");
  execFileSync("bash", [script, "stop"], { stdio: ["ignore", "pipe", "pipe"] });
  try {
    between();
  } finally {
    execFileSync("bash", [script, "start"], { stdio: ["ignore", "pipe", "pipe"] });
  }
}

/** Local addresses the host listens on for a TCP port (from /proc/net/tcp, LISTEN state). */
export function hostListeners(port: number): string[] {
  const hex = port.toString(16).toUpperCase().padStart(4, "0");
  const out: string[] = [];
  for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text = "";
    try {
      text = require("fs").readFileSync(file, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 4 || f[3] !== "0A") continue;
      const [addr, p] = f[1].split(":");
      if (p !== hex) continue;
      out.push(
        file.endsWith("6")
          ? `[${addr}]`
          : addr
              .match(/../g)!
              .reverse()
              .map((b) => parseInt(b, 16))
              .join("."),
      );
    }
  }
  return out;
}

/** Tries a TCP connection from this host; resolves the first line received, or undefined. */
export function hostConnect(host: string, port: number, timeoutMs = 3000): Promise<string | undefined> {
  return new Promise((resolve) => {
    const s = new Socket();
    let data = "";
    let connected = false;
    const done = (v: string | undefined) => {
      s.destroy();
      resolve(v);
    };
    s.setTimeout(timeoutMs, () => done(connected ? data : undefined));
    s.on("error", () => done(connected ? data : undefined));
    s.on("data", (d) => (data += d));
    s.on("end", () => done(data));
    s.connect(port, host, () => {
      connected = true;
      if (port) s.write("GET / HTTP/1.0\r\n\r\n");
    });
  });
}
