// TEMPORARY: the validate branch provides the real starter text.
export const STARTER_INVENTORY = '# yaml-language-server: $schema=schemas/inventory.schema.json\n'
