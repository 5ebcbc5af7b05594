import { createHash } from "crypto";
import { metadataReached, parseCidr } from "../core/cidr";

/**
 * The host rules of a Docker-family platform: what the engine cannot enforce itself, as iptables
 * rules in the platform's own chains. One model, rendered twice: into the shell script the
 * firewall keeper runs (apply at start, check and re-apply on an interval) and into the same script
 * as a Terraform output for operators who manage iptables themselves.
 *
 * Three chains per platform, each hooked ahead of everything else:
 * - `<chain>` from `DOCKER-USER` (forwarded traffic, before Docker's own rules),
 * - `<chain>-IN` from `INPUT` (traffic from a platform bridge to the host itself),
 * - `<chain>-RAW` from raw `PREROUTING` (before NAT).
 */
export interface HostRuleset {
  /** Name of the forward chain, e.g. `HD-prod`; `-IN` and `-RAW` name the others. */
  readonly chain: string;
  /** Rules of the forward chain (iptables-restore `-A` lines without the `-A <chain>` head). */
  readonly forward: readonly string[];
  /** Rules of the INPUT chain. */
  readonly input: readonly string[];
  /** Rules of the raw PREROUTING chain. */
  readonly raw: readonly string[];
  /**
   * A chain every platform of one kind writes with the same content and hooks after their own
   * chains in DOCKER-USER (swarm: the final drop of docker_gwbridge egress, which each platform's
   * own chain allows its destinations through with ACCEPT).
   *
   * @default - none
   */
  readonly shared?: { readonly chain: string; readonly forward: readonly string[] };
  /** What the rules protect, for the script's header. */
  readonly description: string;
}

/** Prefix of every chain the library creates: keepers of several platforms on one host skip each other's. */
export const HOST_CHAIN_PREFIX = "HD-";

/** How often the keeper checks its rules, in seconds. */
export const KEEPER_INTERVAL_SECONDS = 10;

/** A bridge of the platform and what it carries. */
export interface RuleBridge {
  /** Linux bridge name (at most 15 characters). */
  readonly bridge: string;
  /** `tier`: internal; `flow`: two members; `exit`: one member that publishes or leaves the host. */
  readonly kind: "tier" | "flow" | "exit";
}

/** One allowed connection on a flow bridge. */
export interface FlowRule {
  readonly from: string;
  readonly to: string;
  readonly port: number;
  readonly protocol: string;
  /** `from>to`, for the comment. */
  readonly label: string;
}

/** An egress allowlist entry of one workload, matched on its fixed address. */
export interface EgressAllow {
  readonly cidrs: readonly string[];
  readonly ports: readonly number[];
  readonly protocol: string;
}

/** Input of {@link dockerHostRules}. */
export interface DockerHostRulesInput {
  /** Chain name suffix: the platform's name prefix. */
  readonly chainSuffix: string;
  /** Construct path of the platform, for the header. */
  readonly platformPath: string;
  /** Every bridge of the platform. */
  readonly bridges: readonly RuleBridge[];
  /** Flow bridges with their allowed connections. */
  readonly flows: ReadonlyArray<{ readonly bridge: string; readonly rules: readonly FlowRule[] }>;
  /** Exit bridges with their one member's address and egress allowlist. */
  readonly exits: ReadonlyArray<{
    readonly bridge: string;
    readonly workload: string;
    readonly address: string;
    readonly egress: readonly EgressAllow[];
  }>;
}

const ESTABLISHED = "-m conntrack --ctstate RELATED,ESTABLISHED";

/**
 * Chain name of a platform (iptables allows 28 characters; `-RAW` is appended). A suffix too long
 * for 24 characters keeps its head and ends in a hash of the whole, so two long prefixes that differ
 * only at the end never share a chain (one platform's keeper would overwrite the other's rules).
 */
export function hostChainName(suffix: string): string {
  const name = `${HOST_CHAIN_PREFIX}${suffix}`;
  if (name.length <= 24) return name;
  return `${name.slice(0, 17)}-${createHash("sha256").update(suffix).digest("hex").slice(0, 6)}`;
}

/**
 * The rules of one Docker host platform.
 *
 * - Raw: packets for 127.0.0.0/8 that did not come in on `lo` are dropped before NAT (Docker
 *   before 28 DNATs a 127.0.0.1-published port for any interface, so a LAN neighbour reached it).
 * - Forward, into every platform bridge: a NEW connection from elsewhere passes only when it was
 *   DNATed from a published address (`--ctstate DNAT`); a neighbour that routes to a container
 *   address directly is dropped, whatever Docker's own rules accept.
 * - Forward, on a flow bridge: only the declared source, destination and port open connections.
 * - Forward, out of a tier or flow bridge: replies only (they are `internal` already).
 * - Forward, out of an exit bridge: replies, and new connections from its one member's address to
 *   its declared egress allowlist; nothing else.
 * - Input: a platform bridge reaches the host itself only with replies (an `internal` network still
 *   reaches host services listening on all interfaces through its gateway).
 */
export function dockerHostRules(input: DockerHostRulesInput): HostRuleset {
  const bridges = [...input.bridges].sort((a, b) => a.bridge.localeCompare(b.bridge));
  const forward: string[] = [];
  for (const b of bridges) {
    forward.push(`-o ${b.bridge} ! -i ${b.bridge} -m conntrack --ctstate NEW -m conntrack ! --ctstate DNAT -j DROP`);
  }
  for (const f of [...input.flows].sort((a, b) => a.bridge.localeCompare(b.bridge))) {
    forward.push(`-i ${f.bridge} -o ${f.bridge} ${ESTABLISHED} -j RETURN`);
    for (const r of f.rules) {
      forward.push(
        `-i ${f.bridge} -o ${f.bridge} -s ${r.from}/32 -d ${r.to}/32 -p ${r.protocol} --dport ${r.port} ` +
          `-m conntrack --ctstate NEW -m comment --comment "flow ${r.label}" -j RETURN`,
      );
    }
    forward.push(`-i ${f.bridge} -o ${f.bridge} -j DROP`);
  }
  const exits = new Map(input.exits.map((x) => [x.bridge, x]));
  for (const b of bridges) {
    forward.push(`-i ${b.bridge} ! -o ${b.bridge} ${ESTABLISHED} -j RETURN`);
    const exit = exits.get(b.bridge);
    // An anywhere rule never reaches the cloud metadata endpoint (the node's credentials).
    for (const m of metadataIn(exit?.egress ?? [])) forward.push(`-i ${b.bridge} ! -o ${b.bridge} -d ${m}/32 -j DROP`);
    for (const e of exit?.egress ?? []) {
      for (const cidr of e.cidrs) {
        for (const port of e.ports) {
          forward.push(
            `-i ${b.bridge} ! -o ${b.bridge} -s ${exit!.address}/32 -d ${cidr} -p ${e.protocol} --dport ${port} ` +
              `-m conntrack --ctstate NEW -m comment --comment "egress ${exit!.workload}" -j RETURN`,
          );
        }
      }
    }
    forward.push(`-i ${b.bridge} ! -o ${b.bridge} -j DROP`);
  }
  const inputRules = bridges.flatMap((b) => [`-i ${b.bridge} ${ESTABLISHED} -j RETURN`, `-i ${b.bridge} -j DROP`]);
  return {
    chain: hostChainName(input.chainSuffix),
    forward,
    input: inputRules,
    raw: ["-d 127.0.0.0/8 ! -i lo -j DROP"],
    description: `Docker host platform ${input.platformPath}`,
  };
}

/** Input of {@link swarmHostRules}. */
export interface SwarmHostRulesInput {
  /** Chain name suffix: the platform's name prefix. */
  readonly chainSuffix: string;
  /** Construct path of the platform, for the header. */
  readonly platformPath: string;
  /** Every declared egress allowlist entry of the platform's workloads. */
  readonly egress: ReadonlyArray<EgressAllow & { readonly workload: string }>;
}

/** Prefixes of the Linux bridges a Docker-host platform names (`bridgeName`): hd tier, hf flow, hx exit, hs spare. */
export const DOCKER_BRIDGE_KINDS = ["hd", "hf", "hs", "hx"] as const;

/** One of {@link DOCKER_BRIDGE_KINDS}. */
export type DockerBridgeKind = (typeof DOCKER_BRIDGE_KINDS)[number];

/** The bridge every swarm task with a route off its overlays (egress, published ports) leaves a node through. */
export const SWARM_GATEWAY_BRIDGE = "docker_gwbridge";

/**
 * The rules of a swarm platform, on every node. Overlays are `internal` unless their one workload
 * declares egress, so only tasks with published ports (the edge, through ingress) or declared
 * egress have a leg on `docker_gwbridge`, whose addresses change with every task: the rules judge
 * the bridge, not a task.
 *
 * - Into `docker_gwbridge`: a NEW connection passes only when DNATed from a published port.
 * - Out of `docker_gwbridge`: replies, and new connections to the platform's declared egress
 *   destinations (the union over its workloads: per-task addresses are not known); nothing else.
 * - Input: `docker_gwbridge` reaches the node itself only with replies.
 * - Raw: packets for 127.0.0.0/8 that did not come in on `lo` are dropped.
 */
export function swarmHostRules(input: SwarmHostRulesInput): HostRuleset {
  const b = SWARM_GATEWAY_BRIDGE;
  const allow: string[] = [];
  for (const e of input.egress) {
    for (const cidr of e.cidrs) {
      for (const port of e.ports) {
        // ACCEPT, not RETURN: another swarm platform's chain on the node must not drop it; the
        // shared chain drops what no platform allowed (Docker would accept this egress too).
        const rule = `-i ${b} ! -o ${b} -d ${cidr} -p ${e.protocol} --dport ${port} -m conntrack --ctstate NEW -m comment --comment "egress ${e.workload}" -j ACCEPT`;
        if (!allow.includes(rule)) allow.push(rule);
      }
    }
  }
  const metadata = metadataIn(input.egress).map((m) => `-i ${b} ! -o ${b} -d ${m}/32 -j DROP`);
  // The ACCEPTs end the table's FORWARD walk: a connection into a Docker-host platform's bridge on
  // the same node returns first, so that platform's own chain (and the shared drop) still judge it.
  const dockerBridges = DOCKER_BRIDGE_KINDS.map((k) => `-i ${b} -o ${k}-+ -j RETURN`);
  return {
    chain: hostChainName(`s-${input.chainSuffix}`),
    forward: [
      `-o ${b} ! -i ${b} -m conntrack --ctstate NEW -m conntrack ! --ctstate DNAT -j DROP`,
      ...metadata,
      ...(allow.length ? dockerBridges : []),
      ...allow,
    ],
    input: [`-i ${b} ${ESTABLISHED} -j RETURN`, `-i ${b} -j DROP`],
    raw: ["-d 127.0.0.0/8 ! -i lo -j DROP"],
    shared: {
      chain: SWARM_SHARED_CHAIN,
      forward: [`-i ${b} ! -o ${b} ${ESTABLISHED} -j RETURN`, `-i ${b} ! -o ${b} -j DROP`],
    },
    description: `swarm platform ${input.platformPath} (every node)`,
  };
}

/** The IPv4 metadata addresses an egress allowlist would reach (only an `anywhere` rule can: core refuses the rest). */
function metadataIn(egress: readonly EgressAllow[]): string[] {
  const reached = new Set<string>();
  for (const e of egress) {
    for (const text of e.cidrs) {
      const c = parseCidr(text);
      if (c) for (const m of metadataReached(c)) if (c.family === 4) reached.add(m);
    }
  }
  return [...reached].sort();
}

/** The chain every swarm platform's keeper writes alike: docker_gwbridge egress no platform allowed is dropped. */
export const SWARM_SHARED_CHAIN = "HD-gwbridge";

/** sha256 (first 16 hex) of a ruleset: the keeper's and the check's fingerprint. */
export function rulesetHash(r: HostRuleset): string {
  const text = JSON.stringify([r.chain, r.forward, r.input, r.raw]);
  return createHash("sha256").update(text).digest("hex").slice(0, 16);
}

function restoreText(r: HostRuleset, hash: string): string {
  const fwd = r.chain;
  const inp = `${r.chain}-IN`;
  const raw = `${r.chain}-RAW`;
  const mark = `-m comment --comment "cdktf-hardened ${hash}" -j RETURN`;
  const shared = r.shared
    ? [
        `:${r.shared.chain} - [0:0]`,
        ...r.shared.forward.map((l) => `-A ${r.shared!.chain} ${l}`),
        `-A ${r.shared.chain} ${sharedMark(r)}`,
      ]
    : [];
  return [
    "*filter",
    `:${fwd} - [0:0]`,
    `:${inp} - [0:0]`,
    ...r.forward.map((l) => `-A ${fwd} ${l}`),
    `-A ${fwd} ${mark}`,
    ...r.input.map((l) => `-A ${inp} ${l}`),
    `-A ${inp} ${mark}`,
    ...shared,
    "COMMIT",
    // The same forward rules again in mangle FORWARD, which Docker never rewrites: on every network
    // create Docker deletes and re-inserts FORWARD's jump to DOCKER-USER, and for that moment its own
    // rules accept a LAN neighbour's connection to a published container port (engines before 28).
    "*mangle",
    `:${fwd} - [0:0]`,
    ...r.forward.map((l) => `-A ${fwd} ${l}`),
    `-A ${fwd} ${mark}`,
    ...shared,
    "COMMIT",
    "*raw",
    `:${raw} - [0:0]`,
    ...r.raw.map((l) => `-A ${raw} ${l}`),
    `-A ${raw} ${mark}`,
    "COMMIT",
  ].join("\n");
}

/** The shared chain's fingerprint rule: the same from every platform that writes it. */
function sharedMark(r: HostRuleset): string {
  const h = createHash("sha256").update(JSON.stringify(r.shared)).digest("hex").slice(0, 16);
  return `-m comment --comment "cdktf-hardened shared ${h}" -j RETURN`;
}

/**
 * The POSIX shell script that applies, checks or keeps a ruleset (dash, busybox sh; it needs only
 * `cat`, `grep`, `sleep` and iptables). It contains no `${` or `%{`, so Terraform never reads it as
 * a template.
 *
 *     sh rules.sh            apply once (root on the Docker host)
 *     sh rules.sh check      exit 0 only when every rule is in place and hooked first
 *     sh rules.sh keep [N]   apply, then check every N seconds and re-apply on drift
 *     sh rules.sh remove     unhook and delete the chains (after the platform is destroyed)
 *
 * The iptables backend is the one holding Docker's rules (more rules wins, as Kubernetes'
 * iptables-wrapper decides), so the keeper writes where dockerd does; `HD_IPTABLES` overrides it.
 */
export function hostRulesScript(r: HostRuleset): string {
  const hash = rulesetHash(r);
  const sharedHash = r.shared ? /shared ([0-9a-f]{16})/.exec(sharedMark(r))![1] : "";
  const lines = [
    ...scriptHeader(r, hash),
    `fwd=${r.chain}`,
    `inp=${r.chain}-IN`,
    `raw=${r.chain}-RAW`,
    ...(r.shared ? [`shared=${r.shared.chain}`] : []),
    `hash=${hash}`,
    "# HD_IPTABLES=iptables-legacy (or -nft) overrides the choice below.",
    'ipt="$HD_IPTABLES"',
    "",
    ...PICK,
    "rules() {",
    "cat <<'RULES'",
    restoreText(r, hash),
    "RULES",
    "}",
    "",
    ...HOOKS,
    "apply() {",
    "  pick",
    "  # Docker creates DOCKER-USER at start and keeps what is in it; before dockerd runs, ours is already there.",
    '  "$ipt" -w -t filter -N DOCKER-USER 2>/dev/null',
    '  rules | "$ipt-restore" -w --noflush || { echo "cdktf-hardened: iptables-restore failed ($ipt)" >&2; return 1; }',
    `  hook filter FORWARD DOCKER-USER && ${r.shared ? 'hook_after filter DOCKER-USER "$shared" && ' : ""}` +
      'hook filter DOCKER-USER "$fwd" &&',
    '    hook filter INPUT "$inp" && hook raw PREROUTING "$raw" && hook mangle FORWARD "$fwd"' +
      (r.shared ? ' &&\n    hook_after mangle FORWARD "$shared" ||' : " ||"),
    '    { echo "cdktf-hardened: hooking the chains failed ($ipt)" >&2; return 1; }',
    '  echo "cdktf-hardened: ruleset $hash applied ($ipt)"',
    "}",
    "",
    "check() {",
    "  pick",
    `  filled "$fwd" filter ${r.forward.length + 1} "$hash" && filled "$inp" filter ${r.input.length + 1} "$hash" &&`,
    `    filled "$raw" raw ${r.raw.length + 1} "$hash" && ahead filter FORWARD DOCKER-USER &&`,
    '    ahead filter DOCKER-USER "$fwd" && ahead filter INPUT "$inp" && ahead raw PREROUTING "$raw" &&',
    `    filled "$fwd" mangle ${r.forward.length + 1} "$hash" && ahead mangle FORWARD "$fwd"` +
      (r.shared
        ? ` &&
    filled "$shared" filter ${r.shared.forward.length + 1} "shared ${sharedHash}" && ahead filter DOCKER-USER "$shared" &&
    filled "$shared" mangle ${r.shared.forward.length + 1} "shared ${sharedHash}" && ahead mangle FORWARD "$shared"`
        : ""),
    "}",
    "",
    ...REMOVE_AND_KEEP,
    'case "$#:$1" in',
    "  0:*|*:apply) apply ;;",
    '  *:check) check || { echo "cdktf-hardened: ruleset $hash is not in place" >&2; exit 1; } ;;',
    '  *:keep) shift; keep "$@" ;;',
    "  *:remove) remove ;;",
    '  *) echo "usage: sh $0 [apply|check|keep [seconds]|remove]" >&2; exit 2 ;;',
    "esac",
  ];
  return lines.join("\n") + "\n";
}

function scriptHeader(r: HostRuleset, hash: string): string[] {
  return [
    "#!/bin/sh",
    `# cdktf-hardened host rules: ${r.description}. Generated; do not edit.`,
    `# Ruleset ${hash}: chains ${r.chain} (from DOCKER-USER and mangle FORWARD), ${r.chain}-IN (from INPUT), ${r.chain}-RAW (raw PREROUTING)` +
      (r.shared
        ? `,\n# and ${r.shared.chain}, which every such platform writes alike, hooked after their own chains.`
        : "."),
    "# Idempotent: each apply replaces the chains' rules (iptables-restore --noflush, one table at a time)",
    "# and hooks each chain ahead of every rule that is not another cdktf-hardened chain. The forward",
    "# chain is hooked twice: from DOCKER-USER, and from mangle FORWARD, which Docker never rewrites (on",
    "# every network create it deletes and re-inserts FORWARD's jump to DOCKER-USER; for that moment",
    "# its own rules accept forwarded connections to published container ports from any interface).",
    "#   sh <this file>            apply once, as root on the Docker host",
    "#   sh <this file> check      exit 0 only when every rule is in place",
    `#   sh <this file> keep [N]   apply, then check every N seconds (default ${KEEPER_INTERVAL_SECONDS}) and re-apply on drift`,
    "#   sh <this file> remove     unhook and delete the chains (after the platform is destroyed)",
  ];
}

const PICK = [
  "# The backend that holds Docker's rules: more rules wins (as Kubernetes' iptables-wrapper decides).",
  "pick() {",
  '  [ -n "$ipt" ] && return 0',
  "  n=0; l=0",
  "  command -v iptables-nft-save >/dev/null 2>&1 && n=$(iptables-nft-save 2>/dev/null | grep -c '^-A')",
  "  # Legacy only when nft holds nothing: reading legacy tables loads their kernel modules.",
  '  [ "$n" -eq 0 ] && command -v iptables-legacy-save >/dev/null 2>&1 &&',
  "    l=$(iptables-legacy-save 2>/dev/null | grep -c '^-A')",
  '  if [ "$l" -gt "$n" ]; then ipt=iptables-legacy',
  "  elif command -v iptables-nft >/dev/null 2>&1; then ipt=iptables-nft",
  "  else ipt=iptables; fi",
  "}",
  "",
];

const HOOKS = [
  "# ahead TABLE PARENT CHAIN: our jump (plain, or marked by a re-hook) comes before every rule of",
  "# PARENT but other cdktf-hardened chains; a platform's own chain must also come before the shared chain.",
  "ahead() {",
  '  "$ipt" -w -t "$1" -S "$2" 2>/dev/null | {',
  "    while read -r a p rest; do",
  '      [ "$a" = "-A" ] || continue',
  '      case "$rest" in "-j $3" | "-m comment --comment cdktf-hardened-hook-"[ab]" -j $3") exit 0 ;; esac',
  '      if [ -n "$shared" ] && [ "$3" != "$shared" ]; then case "$rest" in *"-j $shared") exit 1 ;; esac; fi',
  '      case "$rest" in *"-j HD-"*) continue ;; esac',
  "      exit 1",
  "    done",
  "    exit 1",
  "  }",
  "}",
  "",
  "# unhook_but TABLE PARENT CHAIN KEEP: deletes, by their text, the jumps to CHAIN but the KEEP one",
  "# (plain, a, b; none keeps nothing).",
  "unhook_but() {",
  "  for m in plain a b; do",
  '    [ "$m" = "$4" ] && continue',
  '    if [ "$m" = plain ]; then',
  '      while "$ipt" -w -t "$1" -D "$2" -j "$3" 2>/dev/null; do :; done',
  "    else",
  '      while "$ipt" -w -t "$1" -D "$2" -m comment --comment "cdktf-hardened-hook-$m" -j "$3" 2>/dev/null; do :; done',
  "    fi",
  "  done",
  "}",
  "",
  "unhook() {",
  '  unhook_but "$1" "$2" "$3" none',
  "}",
  "",
  "# rehook TABLE PARENT CHAIN POSITION: a first jump goes in plain. A displaced one is put back by",
  "# inserting a new jump, marked unlike those there now, before the old ones are deleted by their",
  "# text, never by a rule number another keeper may just have shifted: the chain is never unhooked,",
  "# and no other rule is ever deleted.",
  "rehook() {",
  '  cur=$("$ipt" -w -t "$1" -S "$2" 2>/dev/null | grep -e "-j $3\\$")',
  '  if [ -z "$cur" ]; then',
  '    "$ipt" -w -t "$1" -I "$2" "$4" -j "$3"',
  "    return",
  "  fi",
  '  case "$cur" in *"cdktf-hardened-hook-a -j $3"*) m=b ;; *) m=a ;; esac',
  '  "$ipt" -w -t "$1" -I "$2" "$4" -m comment --comment "cdktf-hardened-hook-$m" -j "$3" &&',
  '    unhook_but "$1" "$2" "$3" "$m"',
  "}",
  "",
  "hook() {",
  '  ahead "$1" "$2" "$3" && return 0',
  '  rehook "$1" "$2" "$3" 1',
  "}",
  "",
  "# hook_after TABLE PARENT CHAIN: the shared chain goes after the leading cdktf-hardened chains.",
  "hook_after() {",
  '  ahead "$1" "$2" "$3" && return 0',
  '  at=$("$ipt" -w -t "$1" -S "$2" 2>/dev/null | {',
  "    n=1",
  "    while read -r a p rest; do",
  '      [ "$a" = "-A" ] || continue',
  '      case "$rest" in *"-j HD-"*) n=$((n + 1)) ;; *) break ;; esac',
  "    done",
  '    echo "$n"',
  "  })",
  '  rehook "$1" "$2" "$3" "$at"',
  "}",
  "",
  "# filled CHAIN TABLE COUNT MARK: the chain holds exactly COUNT rules and ends with the fingerprint MARK.",
  "filled() {",
  '  out=$("$ipt" -w -t "$2" -S "$1" 2>/dev/null) || return 1',
  '  [ "$(printf \'%s\\n\' "$out" | grep -c \'^-A \')" = "$3" ] || return 1',
  '  printf \'%s\\n\' "$out" | grep -q "cdktf-hardened $4"',
  "}",
  "",
];

const REMOVE_AND_KEEP = [
  "# Unhooks and deletes the chains (after `terraform destroy`; the keeper never does it: a stopped keeper",
  "# must leave the boundary closed). The shared chain goes with the last platform that hooked it.",
  "drop_chain() {",
  '  unhook "$1" "$2" "$3"',
  '  "$ipt" -w -t "$1" -F "$3" 2>/dev/null; "$ipt" -w -t "$1" -X "$3" 2>/dev/null',
  "  return 0",
  "}",
  "",
  "remove() {",
  "  pick",
  '  drop_chain filter DOCKER-USER "$fwd"; drop_chain filter INPUT "$inp"; drop_chain raw PREROUTING "$raw"',
  '  drop_chain mangle FORWARD "$fwd"',
  '  if [ -n "$shared" ] && ! "$ipt" -w -t filter -S DOCKER-USER 2>/dev/null | grep -q -e "-j HD-s-"; then',
  '    drop_chain filter DOCKER-USER "$shared"',
  "  fi",
  '  if [ -n "$shared" ] && ! "$ipt" -w -t mangle -S FORWARD 2>/dev/null | grep -q -e "-j HD-s-"; then',
  '    drop_chain mangle FORWARD "$shared"',
  "  fi",
  "  return 0",
  "}",
  "",
  "keep() {",
  `  every=${KEEPER_INTERVAL_SECONDS}`,
  '  [ $# -ge 1 ] && every="$1"',
  "  trap 'exit 0' TERM INT",
  "  while :; do",
  "    check || apply",
  '    sleep "$every" &',
  "    wait $!",
  "  done",
  "}",
  "",
];
