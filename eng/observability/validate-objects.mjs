// Validates every object of the YAML files given against its schema: PrometheusRule and ServiceMonitor/PodMonitor against
// the prometheus-operator CRDs' OpenAPI schemas (@kubernetes-models/prometheus-operator), ConfigMap against Kubernetes'
// (kubernetes-models). Prints one line per object; exits 1 when any object is invalid or of a kind it does not know.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";
import { PrometheusRule } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule";
import { ServiceMonitor } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor";
import { PodMonitor } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PodMonitor";
import { ConfigMap } from "kubernetes-models/v1/ConfigMap";

const models = {
  "monitoring.coreos.com/v1/PrometheusRule": PrometheusRule,
  "monitoring.coreos.com/v1/ServiceMonitor": ServiceMonitor,
  "monitoring.coreos.com/v1/PodMonitor": PodMonitor,
  "v1/ConfigMap": ConfigMap,
};

let failed = false;
for (const file of process.argv.slice(2)) {
  for (const document of parseAllDocuments(readFileSync(file, "utf8"))) {
    if (document.errors.length > 0) {
      console.log(`${file}: invalid YAML: ${document.errors[0].message}`);
      failed = true;
      continue;
    }
    const value = document.toJS();
    if (value === null) continue;
    const Model = models[`${value.apiVersion}/${value.kind}`];
    const name = `${value.kind}/${value.metadata?.name}`;
    if (!Model) {
      console.log(`${file}: ${name}: no schema known for ${value.apiVersion} ${value.kind}`);
      failed = true;
      continue;
    }
    try {
      new Model(value).validate();
      console.log(`${file}: ${name}: valid`);
    } catch (error) {
      console.log(`${file}: ${name}: INVALID: ${error.message}`);
      failed = true;
    }
  }
}
process.exit(failed ? 1 : 0);
