/** A minimal RESP2 client for the real redis-server tests: one command at a time, bounded waits. */
import * as net from "net";

/** A reply: string, number, null, array, or an error reply (`{ error }`). */
export type RespReply = string | number | null | RespReply[] | { error: string };

export class RespClient {
  public static async connect(port: number): Promise<RespClient> {
    const socket = net.connect({ host: "127.0.0.1", port });
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", () => resolve());
      socket.once("error", reject);
    });
    return new RespClient(socket);
  }

  private buf = Buffer.alloc(0);
  private waiting: ((r: RespReply) => void) | undefined;

  private constructor(private readonly socket: net.Socket) {
    socket.on("data", (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      this.drain();
    });
    socket.on("error", () => undefined);
  }

  /** Sends one command and waits (at most `timeoutMs`) for its reply. */
  public command(args: string[], timeoutMs = 3000): Promise<RespReply> {
    const payload = `*${args.length}\r\n` + args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join("");
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no reply to ${args[0]} within ${timeoutMs} ms`)), timeoutMs);
      this.waiting = (r) => {
        clearTimeout(timer);
        resolve(r);
      };
      this.socket.write(payload);
    });
  }

  public close(): void {
    this.socket.destroy();
  }

  private drain(): void {
    if (!this.waiting) return;
    const parsed = parse(this.buf, 0);
    if (!parsed) return;
    this.buf = this.buf.subarray(parsed.next);
    const w = this.waiting;
    this.waiting = undefined;
    w(parsed.value);
  }
}

function parse(b: Buffer, at: number): { value: RespReply; next: number } | undefined {
  const eol = b.indexOf("\r\n", at);
  if (eol < 0) return undefined;
  const line = b.toString("utf8", at + 1, eol);
  const next = eol + 2;
  switch (String.fromCharCode(b[at])) {
    case "+":
      return { value: line, next };
    case "-":
      return { value: { error: line }, next };
    case ":":
      return { value: Number(line), next };
    case "$": {
      const n = Number(line);
      if (n < 0) return { value: null, next };
      if (b.length < next + n + 2) return undefined;
      return { value: b.toString("utf8", next, next + n), next: next + n + 2 };
    }
    case "*": {
      const n = Number(line);
      if (n < 0) return { value: null, next };
      const items: RespReply[] = [];
      let pos = next;
      for (let i = 0; i < n; i++) {
        const item = parse(b, pos);
        if (!item) return undefined;
        items.push(item.value);
        pos = item.next;
      }
      return { value: items, next: pos };
    }
    default:
      return { value: { error: `unparsable reply ${JSON.stringify(line)}` }, next };
  }
}
