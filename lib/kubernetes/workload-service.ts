import { Construct } from "constructs";
import { ServiceV1 } from "@cdktf/provider-kubernetes/lib/service-v1";
import { Exposure, HardeningError, ResolvedPort, WorkloadSpec } from "../core";
import { PublicServiceType } from "./kubernetes-workload-options";
import { partMetadata, selectorLabels } from "./metadata";
import { checkCidr } from "../core";

/** Props of {@link WorkloadService}. */
export interface WorkloadServiceProps {
  /** The workload whose pods the Service selects. */
  readonly spec: WorkloadSpec;
  /** Namespace of the Service. */
  readonly namespace: string;
  /**
   * Which ports: `internal` renders every port of the workload on a ClusterIP Service (the name
   * peers resolve); `public` renders only its PUBLIC ports on a LoadBalancer or NodePort Service.
   */
  readonly scope: "internal" | "public";
  /**
   * Service type of the public Service.
   *
   * @default PublicServiceType.LOAD_BALANCER
   */
  readonly publicServiceType?: PublicServiceType;
  /**
   * Source ranges of a public LoadBalancer (`loadBalancerSourceRanges`).
   *
   * @default - anywhere
   */
  readonly publicSourceRanges?: string[];
}

/**
 * The Service of a workload. Internal and LOOPBACK ports stay on a ClusterIP Service (LOOPBACK
 * has no cluster meaning: it stays inside, reach it with `kubectl port-forward`); only PUBLIC
 * ports, which only the edge has unless a weakening says otherwise, get a LoadBalancer/NodePort.
 */
export class WorkloadService extends Construct {
  /** The `kubernetes_service_v1`. */
  public readonly resource: ServiceV1;
  /** Name of the Service object. */
  public readonly serviceName: string;
  /** Service type: `ClusterIP`, `LoadBalancer` or `NodePort`. */
  public readonly type: string;

  constructor(scope: Construct, id: string, props: WorkloadServiceProps) {
    super(scope, id);
    const spec = props.spec;
    const isPublic = props.scope === "public";
    const ports: ResolvedPort[] = isPublic ? spec.ports.filter((p) => p.exposure === Exposure.PUBLIC) : spec.ports;
    if (ports.length === 0)
      throw new HardeningError(
        this,
        `${spec.name} has no ${isPublic ? "PUBLIC " : ""}ports for a Service`,
        "declare ports, or create no Service",
      );
    for (const r of props.publicSourceRanges ?? []) checkCidr(this, r);
    this.serviceName = isPublic ? `${spec.name}-public` : spec.name;
    const type: string = isPublic ? (props.publicServiceType ?? PublicServiceType.LOAD_BALANCER) : "ClusterIP";
    this.type = type;
    const ranges = props.publicSourceRanges?.filter((r) => !/\/0$/.test(r));
    this.resource = new ServiceV1(this, "Resource", {
      metadata: { name: this.serviceName, namespace: props.namespace, ...partMetadata(spec) },
      spec: {
        type,
        selector: selectorLabels(spec.name),
        port: ports.map((p) => ({
          name: p.name,
          port: isPublic ? p.publishedPort! : p.port,
          targetPort: p.name,
          protocol: p.protocol.toUpperCase(),
        })),
        loadBalancerSourceRanges: type === PublicServiceType.LOAD_BALANCER && ranges?.length ? ranges : undefined,
      },
    });
  }
}
