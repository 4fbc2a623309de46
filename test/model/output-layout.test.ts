// The output folder's own names are stated once; the reserved host names are exactly the ones a node folder could
// collide with, and every writer uses the layout's names.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { bundleFile, installerIsoPath, OUTPUT_LAYOUT, RESERVED_HOSTNAMES } from '../../src/model/output-layout.js'
import { MANIFEST_NAME } from '../../src/write/manifest.js'
import { STATE_DIR } from '../../src/write/output-state.js'
import { KEY_FILE } from '../../src/serve/node-token.js'
import { PXE_FOLDER } from '../../src/render/pxe/boot-options.js'
import { SEED_DIR } from '../../src/iso/boot-config.js'

test('reserved host names: the folders of the layout (pxe, installer), nothing with a dot', () => {
  assert.equal([...RESERVED_HOSTNAMES].sort(), ['installer', 'pxe'])
})

test('the writers take their names from the layout', () => {
  assert.is(MANIFEST_NAME, OUTPUT_LAYOUT.manifest)
  assert.is(STATE_DIR, OUTPUT_LAYOUT.stateDir)
  assert.is(KEY_FILE, OUTPUT_LAYOUT.nodeKeyFile)
  assert.is(PXE_FOLDER, OUTPUT_LAYOUT.pxeDir)
  assert.is(SEED_DIR, 'nocloud')
  assert.is(installerIsoPath('lab'), 'installer/lab-autoinstall.iso')
  assert.is(bundleFile('tar.gz'), 'bundle.tar.gz')
})

test.run()
