import { AuditRule } from "./types";

/** Declares a rule (identity, for type checking and one place to hang conventions on). */
export function defineRule(rule: AuditRule): AuditRule {
  return rule;
}

/** Source links used by several rules. */
export const Sources = {
  pss: "https://kubernetes.io/docs/concepts/security/pod-security-standards/",
  psaPolicy: (file: string) => `https://github.com/kubernetes/pod-security-admission/blob/master/policy/${file}.go`,
  checkov: (file: string) =>
    `https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/resource/kubernetes/${file}.py`,
  dockerBench: (section: "4" | "5" | "7") =>
    `https://github.com/docker/docker-bench-security/blob/master/tests/${section === "4" ? "4_container_images" : section === "5" ? "5_container_runtime" : "7_docker_swarm_configuration"}.sh`,
  kubeScore: "https://github.com/zegl/kube-score/blob/master/score/networkpolicy/networkpolicy.go",
  kubeaudit: "https://github.com/Shopify/kubeaudit/blob/main/docs/auditors/netpols.md",
} as const;
