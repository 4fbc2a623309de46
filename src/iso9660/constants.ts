// Sizes fixed by ECMA-119 (4th edition, 2019) for the images this writer produces.

/** 6.1.2: the logical sector size; 6.2.2: this writer uses logical blocks of the same size. */
export const SECTOR_SIZE = 2048

/** 6.2.1: sectors 0-15 are the System Area, left zero (nothing boots from a seed ISO). */
export const SYSTEM_AREA_SECTORS = 16

/** 9.1.4: Data Length is a 32-bit field, so one extent holds at most 4 GiB - 1 bytes. */
export const MAX_FILE_SIZE = 0xffff_ffff

/** 7.3.3 extent locations are 32-bit sector numbers. */
export const MAX_SECTORS = 0xffff_ffff

/** 9.4.4: the parent directory number in a path table record is 16 bits. */
export const MAX_DIRECTORIES = 0xffff

/** 9.1.1: LEN_DR is one byte; records are kept even-sized, so 254 is the largest used. */
export const MAX_RECORD_LENGTH = 254
