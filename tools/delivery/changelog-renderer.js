// Nx's changelog renderer, told about the libraries a service is built from.
//
// `nx release` decides a service's next version from every commit since its last tag that
// affects it, *including commits to the libraries it depends on* (the same affected logic as
// `nx affected`). Its changelog step, however, only lists commits under the service's own
// folder, so a service released because of a change in libs/contracts would read "there were
// no code changes". This renderer adds those commits back: a service's changelog entry lists
// exactly the commits that decided its version. Plain JavaScript because Nx loads renderers
// with require() (a TypeScript renderer would need a transpiler we do not install).
const { execFileSync } = require('node:child_process');
const DefaultChangelogRenderer = require('nx/release/changelog-renderer').default;
const { readCachedProjectGraph, createProjectGraphAsync } = require('nx/src/devkit-exports');
const { filterAffected } = require('nx/src/project-graph/affected/affected-project-graph');
const { calculateFileChanges } = require('nx/src/project-graph/file-utils');
const { getGitDiff, parseCommits } = require('nx/src/command-line/release/utils/git');
const { mapCommitToChange, filterHiddenChanges } = require('nx/src/command-line/release/changelog/commit-utils');

/** Affected projects per commit, shared by the renderers of one `nx release` run. */
const affectedByCommit = new Map();

async function projectGraph() {
  try {
    return readCachedProjectGraph();
  } catch {
    return createProjectGraphAsync({ exitOnError: false });
  }
}

/** The latest `<project>@<version>` tag reachable from HEAD, or null before a first release. */
function previousTag(project) {
  try {
    return execFileSync('git', ['describe', '--tags', '--abbrev=0', '--match', `${project}@*`, 'HEAD'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return null;
  }
}

async function affectedProjects(commit, graph) {
  if (!affectedByCommit.has(commit.shortHash)) {
    const touched = calculateFileChanges(commit.affectedFiles, { base: `${commit.shortHash}^`, head: commit.shortHash });
    const affected = await filterAffected(graph, touched, undefined, undefined, false);
    affectedByCommit.set(commit.shortHash, new Set(Object.keys(affected.nodes)));
  }
  return affectedByCommit.get(commit.shortHash);
}

/** Names of the projects of ours `project` depends on, directly or not. */
function dependencies(graph, project) {
  const seen = new Set();
  const queue = [project];
  while (queue.length > 0) {
    for (const { target } of graph.dependencies[queue.shift()] ?? []) {
      if (graph.nodes[target] && target !== project && !seen.has(target)) {
        seen.add(target);
        queue.push(target);
      }
    }
  }
  return seen;
}

/** Commits since the project's last tag that affect it without touching its own folder. */
async function commitsThroughDependencies(project, conventionalCommitsConfig) {
  const from = previousTag(project);
  if (!from) return { changes: [], order: new Map() };
  const graph = await projectGraph();
  const root = graph.nodes[project].data.root;
  const libs = [...dependencies(graph, project)].map((name) => ({ name, root: graph.nodes[name].data.root }));
  const commits = parseCommits(await getGitDiff(from, 'HEAD'));
  const changes = [];
  for (const commit of commits) {
    if (commit.affectedFiles.some((file) => file.startsWith(`${root}/`))) continue; // Nx lists these already
    if (!(await affectedProjects(commit, graph)).has(project)) continue;
    const touchedLibs = libs.filter((lib) => commit.affectedFiles.some((file) => file.startsWith(`${lib.root}/`)));
    // An unscoped commit is shown under the libraries it changed, so the entry says where it happened.
    if (!commit.scope && touchedLibs.length > 0) commit.scope = touchedLibs.map((lib) => lib.name).join(', ');
    changes.push(mapCommitToChange(commit, [project]));
  }
  return {
    changes: filterHiddenChanges(changes, conventionalCommitsConfig),
    order: new Map(commits.map((commit, index) => [commit.shortHash, index])),
  };
}

class SokoulChangelogRenderer extends DefaultChangelogRenderer {
  async render() {
    if (this.project && !this.isVersionPlans) {
      const { changes, order } = await commitsThroughDependencies(this.project, this.conventionalCommitsConfig);
      const listed = new Set(this.changes.map((change) => change.shortHash));
      const position = (change) => order.get(change.shortHash) ?? Number.MAX_SAFE_INTEGER;
      this.changes = [...this.changes, ...changes.filter((change) => !listed.has(change.shortHash))].sort((a, b) => position(a) - position(b));
    }
    return super.render();
  }
}

module.exports = SokoulChangelogRenderer;
module.exports.default = SokoulChangelogRenderer;
