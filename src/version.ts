// The version written into generated files. Kept here (not read from package.json at run time) so rendering stays
// cheap; test/version.test.ts checks it matches package.json.
export const BAI_SEED_VERSION = '0.1.0'
