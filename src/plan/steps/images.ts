// Page section "컨테이너 이미지 가져오기": pre-pull the role's images with bounded parallelism and retries,
// optionally through registry mirrors (pulled from the mirror, then tagged with the original name).
import { defineStep, type PlanContext } from '../step-def.js'
import { imageSource } from '../node-mirrors.js'
import { PAYLOAD_TREE } from '../offline-plan.js'

/** The images a node pre-pulls: images.pull, and DCGM's exporter on GPU nodes with DCGM. */
export function imagesToPull(ctx: PlanContext): string[] {
  const s = ctx.settings
  const pull = s.images.enabled ? s.images.pull : []
  const dcgm = s.nvidia.enabled && s.nvidia.dcgm.enabled && s.nvidia.cuda.enabled ? [s.nvidia.dcgm.exporter_image] : []
  return [...new Set([...pull, ...dcgm])]
}

export interface ImagesVars {
  images: string[]
  parallel: number
  retries: number
  /** Where each image is pulled from (a mirror, or the image itself). */
  sources: string[]
}

export const imagesStep = defineStep<ImagesVars>({
  id: 'images',
  title: 'Pre-pull container images',
  network: true,
  rootable: false,
  settings: ['images'],
  applies: (ctx) => imagesToPull(ctx).length > 0 && ctx.settings.docker.enabled,
  vars: (ctx) => {
    const images = imagesToPull(ctx)
    return {
      images,
      sources: images.map((ref) => imageSource(ref, ctx.plan.mirrors)),
      parallel: ctx.settings.images.parallel,
      retries: ctx.settings.images.retries,
    }
  },
  // Ten minutes per round of parallel pulls (large images over a slow mirror), each with its retries.
  expect: (ctx) => 5 * 60 + 10 * 60 * Math.ceil(new Set(ctx.settings.images.pull).size / Math.max(1, ctx.settings.images.parallel)),
  fetches: (ctx) =>
    imagesToPull(ctx).map((ref) => {
      const src = imageSource(ref, ctx.plan.mirrors)
      return src === ref ? `image ${ref}` : `image ${src} (tagged ${ref})`
    }),
  // One docker-archive holds every image under its original name: `docker load`, nothing pulled.
  payloadFetches: (ctx) => [`from the payload's ${PAYLOAD_TREE.images} (docker load): ${imagesToPull(ctx).join(' ')}`],
})
