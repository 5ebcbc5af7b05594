/** Stub upstreams and a small HTTPS client for the live edge tests (127.0.0.1 only). */
import * as http from "http";
import * as https from "https";
import * as net from "net";
import * as tls from "tls";

/** What a stub upstream saw. */
export interface SeenRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly bodyBytes: number;
}

/** A stub HTTP upstream on 127.0.0.1 that echoes what it received and records it. */
export interface StubUpstream {
  readonly name: string;
  readonly port: number;
  readonly seen: SeenRequest[];
  /** Raw TCP connections accepted (counts even non-HTTP clients). */
  connections: number;
  close(): Promise<void>;
}

/** Starts a stub; `port` 0 picks a free one. Answers upgrades with 101 (a websocket stand-in). */
export async function startStub(name: string, port = 0): Promise<StubUpstream> {
  const seen: SeenRequest[] = [];
  const server = http.createServer((req, res) => {
    let bodyBytes = 0;
    req.on("data", (b: Buffer) => (bodyBytes += b.length));
    req.on("end", () => {
      seen.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, bodyBytes });
      // Headers the edge must own or drop: a weak HSTS and a technology banner.
      res.setHeader("Strict-Transport-Security", "max-age=0");
      res.setHeader("X-Powered-By", "stub-framework");
      res.setHeader("Content-Type", "application/json");
      res.end(JSON.stringify({ upstream: name, url: req.url, bodyBytes }));
    });
  });
  server.on("upgrade", (req, socket: net.Socket) => {
    seen.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, bodyBytes: 0 });
    socket.write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n");
    socket.end();
  });
  const stub: StubUpstream = {
    name,
    port: 0,
    seen,
    connections: 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  server.on("connection", () => (stub.connections += 1));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  (stub as { port: number }).port = (server.address() as net.AddressInfo).port;
  return stub;
}

/** A response, or the error that replaced it. */
export interface EdgeResponse {
  readonly status?: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
  readonly error?: string;
  readonly upgraded?: boolean;
}

/** Options of {@link edgeRequest}. */
export interface EdgeRequestOptions {
  readonly port: number;
  readonly path: string;
  readonly method?: string;
  /** TLS SNI (HTTPS only). */
  readonly servername?: string;
  /** Host header. */
  readonly host?: string;
  readonly headers?: Record<string, string>;
  readonly body?: Buffer | string;
  /** CA to trust (HTTPS); undefined means plain HTTP. */
  readonly ca?: string;
  readonly timeoutMs?: number;
}

/** One request on a fresh connection (no keep-alive), bounded by a timeout. */
export function edgeRequest(o: EdgeRequestOptions): Promise<EdgeResponse> {
  return new Promise((resolve) => {
    const headers: Record<string, string> = { host: o.host ?? o.servername ?? "edge.test", ...(o.headers ?? {}) };
    const common = {
      host: "127.0.0.1",
      port: o.port,
      path: o.path,
      method: o.method ?? "GET",
      headers,
      agent: false as const,
    };
    const onResponse = (res: http.IncomingMessage) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, body }));
      res.on("error", (e) => resolve({ status: res.statusCode, headers: res.headers, body, error: e.message }));
    };
    const req = o.ca
      ? https.request(
          { ...common, servername: o.servername ?? "edge.test", ca: o.ca, minVersion: "TLSv1.2" as tls.SecureVersion },
          onResponse,
        )
      : http.request(common, onResponse);
    req.on("upgrade", (res, socket) => {
      socket.destroy();
      resolve({ status: res.statusCode, headers: res.headers, body: "", upgraded: true });
    });
    req.setTimeout(o.timeoutMs ?? 5000, () => req.destroy(new Error("timeout")));
    req.on("error", (e) => resolve({ headers: {}, body: "", error: e.message }));
    if (o.body !== undefined) req.write(o.body);
    req.end();
  });
}
