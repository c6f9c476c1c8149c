/** A MongoDB server error: becomes {ok: 0, errmsg, code, codeName, ...extra} on the wire. */
export class MongoCommandError extends Error {
  constructor(
    readonly code: number,
    readonly codeName: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }

  toReply(): Record<string, unknown> {
    return { ok: 0, errmsg: this.message, code: this.code, codeName: this.codeName, ...this.extra };
  }
}

export const errors = {
  badValue: (msg: string) => new MongoCommandError(2, 'BadValue', msg),
  failedToParse: (msg: string) => new MongoCommandError(9, 'FailedToParse', msg),
  typeMismatch: (msg: string) => new MongoCommandError(14, 'TypeMismatch', msg),
  illegalOperation: (msg: string) => new MongoCommandError(20, 'IllegalOperation', msg),
  namespaceNotFound: (msg: string) => new MongoCommandError(26, 'NamespaceNotFound', msg),
  indexNotFound: (msg: string) => new MongoCommandError(27, 'IndexNotFound', msg),
  conflictingUpdate: (msg: string) => new MongoCommandError(40, 'ConflictingUpdateOperators', msg),
  cursorNotFound: (msg: string) => new MongoCommandError(43, 'CursorNotFound', msg),
  namespaceExists: (msg: string) => new MongoCommandError(48, 'NamespaceExists', msg),
  commandNotFound: (name: string) => new MongoCommandError(59, 'CommandNotFound', `no such command: '${name}' (the SmartWealth MongoDB emulator does not implement it)`),
  immutableField: (msg: string) => new MongoCommandError(66, 'ImmutableField', msg),
  indexOptionsConflict: (msg: string) => new MongoCommandError(85, 'IndexOptionsConflict', msg),
  indexKeySpecsConflict: (msg: string) => new MongoCommandError(86, 'IndexKeySpecsConflict', msg),
  notSupported: (msg: string) => new MongoCommandError(115, 'CommandNotSupported', `${msg} is not supported by the SmartWealth MongoDB emulator`),
  bsonTooLarge: (msg: string) => new MongoCommandError(10334, 'BSONObjectTooLarge', msg),
};
