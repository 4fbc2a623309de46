// Page section "컨테이너 이미지 가져오기": pre-pull the role's images with bounded parallelism and retries,
// optionally through registry mirrors (pulled from the mirror, then tagged with the original name).
import { defineStep } from '../step-def.js'
import { imageSource } from '../node-mirrors.js'

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
  applies: (ctx) => ctx.settings.images.enabled && ctx.settings.images.pull.length > 0 && ctx.settings.docker.enabled,
  vars: (ctx) => {
    const images = [...new Set(ctx.settings.images.pull)]
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
    [...new Set(ctx.settings.images.pull)].map((ref) => {
      const src = imageSource(ref, ctx.plan.mirrors)
      return src === ref ? `image ${ref}` : `image ${src} (tagged ${ref})`
    }),
})
