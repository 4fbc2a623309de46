// Page section "운영을 위한 사용자 계정 만들기": the bai account, uid/gid 1100, groups sudo and docker.
import { defineStep } from '../step-def.js'
import type { UserPlan } from '../../model/plan.js'

export type UserVars = UserPlan

export const userStep = defineStep<UserVars>({
  id: 'user',
  title: 'Create the service account',
  network: false,
  rootable: false,
  settings: ['user'],
  applies: (ctx) => ctx.settings.user.enabled,
  vars: (ctx) => ({ ...ctx.plan.user }),
})
