/** Which registry a host is, for the registry's own texts and fixes (registry-auth.md §1-§10). */
export type RegistryKind = 'hub' | 'ghcr' | 'gitlab' | 'ecr' | 'gar' | 'gcr' | 'acr' | 'quay' | 'harbor' | 'other'

export function registryKind(registry: string | undefined): RegistryKind {
  const h = (registry ?? '').toLowerCase()
  if (h === '' ) return 'other'
  if (h === 'docker.io' || h.endsWith('.docker.io') || h === 'registry.hub.docker.com') return 'hub'
  if (h === 'ghcr.io' || h === 'docker.pkg.github.com') return 'ghcr'
  if (h === 'registry.gitlab.com' || h.startsWith('registry.gitlab.')) return 'gitlab'
  if (/\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/.test(h) || h === 'public.ecr.aws') return 'ecr'
  if (h.endsWith('-docker.pkg.dev')) return 'gar'
  if (h === 'gcr.io' || h.endsWith('.gcr.io')) return 'gcr'
  if (h.endsWith('.azurecr.io')) return 'acr'
  if (h === 'quay.io' || h.startsWith('quay.')) return 'quay'
  if (h.includes('harbor')) return 'harbor'
  return 'other'
}

/** The command that logs in to this registry, as its vendor documents it. */
export function loginCommand(registry: string | undefined): string {
  const host = registry ?? 'REGISTRY'
  switch (registryKind(registry)) {
    case 'ecr': {
      const region = /\.dkr\.ecr\.([a-z0-9-]+)\./.exec(host)?.[1]
      return `aws ecr get-login-password${region ? ` --region ${region}` : ''} | docker login --username AWS --password-stdin ${host}`
    }
    case 'gar':
    case 'gcr':
      return `gcloud auth configure-docker ${host}`
    case 'acr':
      return `az acr login --name ${host.replace(/\.azurecr\.io$/, '')}`
    case 'hub':
      return 'docker login -u YOUR_DOCKER_ID (with an access token as the password)'
    default:
      return `docker login ${host}`
  }
}
