#!/usr/bin/env node
/* global process, console, fetch, URLSearchParams */
// The two GitLab API calls of examples/ci/gitlab-ci.yml, with Node's fetch (no dependencies):
//
//   node examples/ci/gitlab-api.mjs note review.md
//     posts the file as a note on the pipeline's merge request, or updates the note it posted
//     before (found by a marker), so the merge request keeps one review report.
//   node examples/ci/gitlab-api.mjs last-deployment <environment>
//     prints the commit of the environment's last successful deployment, or 0 when there was
//     none (changed-environments.sh then lists every environment).
//
// Token: LINKED_CLONES_GITLAB_TOKEN (a project access token; `api` scope for notes, `read_api`
// is enough for deployments), a masked CI/CD variable; else the job's CI_JOB_TOKEN, which
// GitLab may refuse. Without access, `note` says so and exits 0 (the report stays an artifact);
// `last-deployment` exits 1, so the caller falls back to the previous push.
// Reads CI_API_V4_URL, CI_PROJECT_ID and CI_MERGE_REQUEST_IID, as GitLab sets them.
import { readFileSync } from "node:fs";

const MARKER = "<!-- linked-clones-review -->";
const env = process.env;

function api(path, init = {}) {
  const headers = { "Content-Type": "application/json", ...init.headers };
  if (env.LINKED_CLONES_GITLAB_TOKEN) headers["PRIVATE-TOKEN"] = env.LINKED_CLONES_GITLAB_TOKEN;
  else if (env.CI_JOB_TOKEN) headers["JOB-TOKEN"] = env.CI_JOB_TOKEN;
  return fetch(`${env.CI_API_V4_URL}/projects/${encodeURIComponent(env.CI_PROJECT_ID)}${path}`, { ...init, headers });
}

async function note(file) {
  const text = readFileSync(file, "utf8");
  if (!text.trim()) return console.log(`gitlab-api: ${file} is empty; no note`);
  if (!env.CI_MERGE_REQUEST_IID) return console.log("gitlab-api: not a merge request pipeline; no note");
  const body = `${MARKER}\n${text}`;
  const notes = `/merge_requests/${env.CI_MERGE_REQUEST_IID}/notes`;
  let existing;
  for (let page = 1; !existing; page++) {
    const res = await api(`${notes}?${new URLSearchParams({ per_page: "100", page: String(page), sort: "asc" })}`);
    if (!res.ok)
      return console.log(`gitlab-api: cannot read the notes (HTTP ${res.status}); set LINKED_CLONES_GITLAB_TOKEN`);
    const list = await res.json();
    existing = list.find((n) => typeof n.body === "string" && n.body.startsWith(MARKER));
    if (list.length < 100) break;
  }
  const res = existing
    ? await api(`${notes}/${existing.id}`, { method: "PUT", body: JSON.stringify({ body }) })
    : await api(notes, { method: "POST", body: JSON.stringify({ body }) });
  if (!res.ok)
    return console.log(`gitlab-api: cannot write the note (HTTP ${res.status}); set LINKED_CLONES_GITLAB_TOKEN`);
  console.log(`gitlab-api: review report ${existing ? "updated in" : "posted as"} note ${(await res.json()).id}`);
}

async function lastDeployment(environment) {
  const query = new URLSearchParams({
    environment,
    status: "success",
    order_by: "id",
    sort: "desc",
    per_page: "1",
  });
  const res = await api(`/deployments?${query}`);
  if (!res.ok) {
    console.error(`gitlab-api: cannot read the deployments (HTTP ${res.status}); using the previous push`);
    process.exit(1);
  }
  const [last] = await res.json();
  // None yet: every environment is new to this deployment.
  console.log(last?.sha ?? "0");
}

const [command, arg] = process.argv.slice(2);
if (command === "note" && arg) await note(arg);
else if (command === "last-deployment" && arg) await lastDeployment(arg);
else {
  console.error("usage: gitlab-api.mjs note <file> | last-deployment <environment>");
  process.exit(2);
}
