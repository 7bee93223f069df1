/**
 * Named sets of registries for `compare --preset`. Each entry names a repository that is public and long-lived, so the
 * challenge and the anonymous token are asked for something that exists (a missing repository looks like a private one
 * on most registries, and that would compare the wrong thing).
 */
export interface PresetEntry {
  /** Column heading. */
  label: string
  /** REGISTRY as a user writes it. */
  registry: string
  repository: string
  tag?: string
}

export const PRESETS: Readonly<Record<string, readonly PresetEntry[]>> = {
  public: [
    {label: 'Docker Hub', registry: 'docker.io', repository: 'library/alpine'},
    {label: 'Quay', registry: 'quay.io', repository: 'prometheus/prometheus'},
    {label: 'ghcr.io', registry: 'ghcr.io', repository: 'github/super-linter'},
    {label: 'GitLab', registry: 'registry.gitlab.com', repository: 'gitlab-org/gitlab-runner'},
    {label: 'ECR Public', registry: 'public.ecr.aws', repository: 'docker/library/alpine'},
    {label: 'GCR', registry: 'gcr.io', repository: 'distroless/static'},
    {label: 'Artifact Registry', registry: 'us-docker.pkg.dev', repository: 'google-samples/containers/gke/hello-app', tag: '1.0'},
  ],
}

export const PRESET_NAMES = Object.keys(PRESETS)

/** A repository to ask about when the user names none: Docker Hub has an obvious one; elsewhere we cannot guess. */
export const DEFAULT_REPOSITORY_BY_REGISTRY: Readonly<Record<string, string>> = {
  'docker.io': 'library/alpine',
}
