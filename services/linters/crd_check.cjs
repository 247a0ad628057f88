// Validates Argo CD and External Secrets custom resources against their CRD schemas
// (@kubernetes-models packages: validators compiled from the CRDs' OpenAPI schemas).
// stdin: a JSON array of documents; stdout: a JSON array, one entry per document.
"use strict";
const PACKAGES = {
  "argoproj.io": "@kubernetes-models/argo-cd",
  "external-secrets.io": "@kubernetes-models/external-secrets",
};
const chunks = [];
process.stdin.on("data", (chunk) => chunks.push(chunk));
process.stdin.on("end", () => {
  const documents = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  const results = documents.map((document) => {
    const [group, version] = String(document.apiVersion || "").split("/");
    const pkg = PACKAGES[group];
    if (!pkg || !version) return { errors: [{ instancePath: "", message: `no schema for ${document.apiVersion}` }] };
    let model;
    try {
      model = require(`${pkg}/${group}/${version}`)[document.kind];
    } catch (error) {
      if (error.code === "MODULE_NOT_FOUND" && String(error.message).includes(pkg)) {
        return { missing: pkg };
      }
      model = undefined;
    }
    if (!model) return { errors: [{ instancePath: "", message: `unknown kind ${document.kind} in ${document.apiVersion}` }] };
    try {
      new model(document).validate();
      return { errors: [] };
    } catch (error) {
      const errors = (error.errors || [{ instancePath: "", message: String(error.message) }]).map((item) => ({
        instancePath: item.instancePath || "",
        message: item.message || "invalid",
        params: item.params || {},
      }));
      return { errors };
    }
  });
  process.stdout.write(JSON.stringify(results));
});
