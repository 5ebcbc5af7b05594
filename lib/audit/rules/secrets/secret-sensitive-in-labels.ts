import { DOCKER_RUNNABLE_TYPES, containerSpec } from "../../docker-model";
import { K8S_WORKLOAD_TYPES, podTemplate } from "../../kubernetes-model";
import { defineRule } from "../../rule";
import { sensitiveRefs } from "../../secret-refs";
import { AuditResource, JsonObject, PASS, Verdict, fail } from "../../types";
import { children, stringMap } from "../../values";

/** One label or annotation (key and value), or a whole map given as a reference, and where it is. */
interface Entry {
  readonly where: string;
  readonly value: unknown;
}

/** The `labels` blocks of a Docker resource (and of a service's container spec). */
function dockerLabels(r: AuditResource): Entry[] {
  const holders: Array<[string, JsonObject | undefined]> = [["labels", r.body]];
  if (r.type === "docker_service") holders.push(["container_spec.labels", containerSpec(r)]);
  const out: Entry[] = [];
  for (const [where, holder] of holders) {
    if (typeof holder?.labels === "string") out.push({ where, value: holder.labels });
    for (const l of children(holder, "labels"))
      out.push({ where: `${where} ${JSON.stringify(l.label)}`, value: [l.label, l.value] });
  }
  return out;
}

/** The labels and annotations of one Kubernetes metadata block. */
function metadataEntries(meta: JsonObject | undefined, where: string): Entry[] {
  const out: Entry[] = [];
  for (const key of ["labels", "annotations"]) {
    const raw = meta?.[key];
    if (typeof raw === "string") out.push({ where: `${where} ${key}`, value: raw });
    else
      for (const [k, v] of Object.entries(stringMap(raw)))
        out.push({ where: `${where} ${key} ${JSON.stringify(k)}`, value: [k, v] });
  }
  return out;
}

/** Sensitive values interpolated into labels or annotations. */
export const SecretSensitiveInLabels = defineRule({
  id: "SECRET-SENSITIVE-IN-LABELS",
  pack: "secrets",
  severity: "high",
  title: "Sensitive values must not be put in labels or annotations",
  why:
    "Labels and annotations are metadata: `docker inspect`, `docker service ls`, `kubectl get -o yaml` and every " +
    "controller or log shipper that may list the resource read them, and nothing treats them as secret.",
  fix: "Keep the secret in a secret object or file; label the resource with a name or a version, never the value.",
  staticReading:
    "Reads the labels of a docker_container, the labels of a docker_service and of its `task_spec.container_spec`, " +
    "and the labels and annotations of a Kubernetes workload and of its pod template (keys and values, or a map " +
    "given whole as a reference). Detects interpolations of variables declared `sensitive`, random_password " +
    "results, Secret data and private keys, a hash of them included (`sha256(var.x)`: an unsalted hash of a " +
    "password is a verifier to guess against); a value copied through a local or a module output is not followed.",
  source: {
    name: "cdktf-hardened (secret hygiene)",
    id: "SECRET-SENSITIVE-IN-LABELS",
    url: "https://kubernetes.io/docs/concepts/security/secrets-good-practices/",
  },
  resourceTypes: [...DOCKER_RUNNABLE_TYPES, ...K8S_WORKLOAD_TYPES],
  check(r, ctx) {
    let entries: Entry[];
    if (DOCKER_RUNNABLE_TYPES.includes(r.type)) entries = dockerLabels(r);
    else {
      const pod = podTemplate(r, ctx);
      if (!pod) return undefined;
      entries = metadataEntries(pod.resourceMetadata, "metadata");
      if (pod.metadata !== pod.resourceMetadata) entries.push(...metadataEntries(pod.metadata, "pod template"));
    }
    const out: Verdict[] = [];
    for (const e of entries) {
      const refs = sensitiveRefs(e.value, ctx);
      if (refs.length > 0) out.push(fail(`${e.where} interpolates ${refs.join(", ")}`));
    }
    return out.length > 0 ? out : PASS;
  },
});
