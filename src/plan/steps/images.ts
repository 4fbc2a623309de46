// Page section "컨테이너 이미지 가져오기": pre-pull the role's images with bounded parallelism and retries,
// optionally through a registry mirror (pulled from the mirror, then tagged with the original name).
import { defineStep, type PlanContext } from '../step-def.js'

export interface ImagesVars {
  images: string[]
  parallel: number
  retries: number
  /** Registry host to pull through, or ''. */
  mirror: string
}

export const imagesStep = defineStep<ImagesVars>({
  id: 'images',
  title: 'Pre-pull container images',
  network: true,
  rootable: false,
  settings: ['images'],
  applies: (ctx) => ctx.settings.images.enabled && ctx.settings.images.pull.length > 0 && ctx.settings.docker.enabled,
  vars: (ctx) => ({
    images: [...new Set(ctx.settings.images.pull)],
    parallel: ctx.settings.images.parallel,
    retries: ctx.settings.images.retries,
    mirror: ctx.inventory.mirrors.registry ?? '',
  }),
})
