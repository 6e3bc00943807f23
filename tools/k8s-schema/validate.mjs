// Validates Kubernetes manifests (multi-document YAML on stdin, as `helm template` prints them) against the
// Kubernetes API's own OpenAPI schemas, as generated into the npm package kubernetes-models (and the Prometheus
// Operator's, for PodMonitor). tools/install-deps.sh installs those into $K8S_SCHEMA_MODULES. Prints one line per
// object, "ok KIND NAME" or "invalid KIND NAME: ERRORS"; exits 1 if any object is invalid or of an unknown kind.
import path from "node:path";
import { pathToFileURL } from "node:url";

const modules = process.env.K8S_SCHEMA_MODULES ?? "/opt/keepoperator/k8s-schema/node_modules";
const load = (file) => import(pathToFileURL(path.join(modules, file)).href);
const { parseAllDocuments } = await load("yaml/dist/index.js");

// apiVersion -> the kubernetes-models module that holds its kinds.
function moduleOf(apiVersion) {
  if (apiVersion === "monitoring.coreos.com/v1") return "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/index.js";
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : [null, apiVersion];
  if (group === null) return `kubernetes-models/${version}/index.js`;
  // Groups named in full in the package (x.k8s.io) keep their name; the others (apps, batch, ...) too.
  return `kubernetes-models/${group}/${version}/index.js`;
}

let input = "";
for await (const chunk of process.stdin) input += chunk;
let failed = false;
for (const document of parseAllDocuments(input)) {
  const object = document.toJS();
  if (!object) continue;
  const label = `${object.kind} ${object.metadata?.name ?? "?"}`;
  try {
    const kinds = await load(moduleOf(object.apiVersion));
    const Kind = kinds[object.kind];
    if (!Kind) throw new Error(`no schema for ${object.apiVersion} ${object.kind}`);
    new Kind(object).validate();
    console.log(`ok ${label}`);
  } catch (error) {
    failed = true;
    console.log(`invalid ${label}: ${String(error.message ?? error).replaceAll("\n", " ")}`);
  }
}
process.exit(failed ? 1 : 0);
