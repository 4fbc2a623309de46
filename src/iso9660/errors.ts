// Errors of the ISO 9660 writer carry a code so that callers and tests tell them apart without parsing text.

export type IsoErrorCode =
  | 'FILE_TOO_LARGE'
  | 'IMAGE_TOO_LARGE'
  | 'TOO_MANY_DIRECTORIES'
  | 'INVALID_PATH'
  | 'PATH_CONFLICT'
  | 'DUPLICATE_ENTRY'
  | 'UNSUPPORTED_FILE_TYPE'
  | 'SOURCE_CHANGED'
  | 'INVALID_VOLUME_ID'
  | 'INVALID_EPOCH'
  | 'INVALID_MODE'

export class IsoWriteError extends Error {
  readonly code: IsoErrorCode

  constructor(code: IsoErrorCode, message: string) {
    super(message)
    this.name = 'IsoWriteError'
    this.code = code
  }
}
