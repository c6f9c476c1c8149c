/**
 * MongoDB wire framing: OP_MSG (2013) for everything, OP_QUERY (2004) → OP_REPLY (1) for the legacy handshake.
 */
import { BSON, type Document } from 'bson';
import { promote } from './values.js';

export const OP_REPLY = 1;
export const OP_QUERY = 2004;
export const OP_MSG = 2013;
const CHECKSUM_PRESENT = 1;
export const MORE_TO_COME = 2;

/** Numbers come back as JS numbers; a Long beyond 2^53 stays a Long so no precision is lost. */
export const DESERIALIZE_OPTIONS = { promoteLongs: true, promoteValues: true, promoteBuffers: false, bsonRegExp: false } as const;
/** Every number keeps its wrapper (Int32, Double, Long), so the types the client sent are known. */
export const RAW_OPTIONS = { promoteValues: false, promoteBuffers: false, bsonRegExp: false } as const;

export interface Header {
  length: number;
  requestId: number;
  responseTo: number;
  opCode: number;
}

export interface ParsedMessage {
  header: Header;
  /** The command document with kind-1 sections merged in under their identifiers; numbers as JS numbers. */
  command: Document;
  /** The same command with every number still in its BSON wrapper (for type fidelity of stored documents). */
  raw: Document;
  /** OP_MSG flag: the client expects no reply (w:0). */
  moreToCome: boolean;
  legacy: boolean;
}

export function readHeader(buf: Buffer): Header {
  return { length: buf.readInt32LE(0), requestId: buf.readInt32LE(4), responseTo: buf.readInt32LE(8), opCode: buf.readInt32LE(12) };
}

export function parseMessage(buf: Buffer): ParsedMessage {
  const header = readHeader(buf);
  if (header.opCode === OP_MSG) {
    const flags = buf.readUInt32LE(16);
    const end = flags & CHECKSUM_PRESENT ? header.length - 4 : header.length;
    let offset = 20;
    let command: Document | undefined;
    const sequences: [string, Document[]][] = [];
    while (offset < end) {
      const kind = buf[offset];
      offset += 1;
      if (kind === 0) {
        const size = buf.readInt32LE(offset);
        command = BSON.deserialize(buf.subarray(offset, offset + size), RAW_OPTIONS);
        offset += size;
      } else if (kind === 1) {
        const size = buf.readInt32LE(offset);
        const sectionEnd = offset + size;
        let cursor = offset + 4;
        const nameEnd = buf.indexOf(0, cursor);
        const identifier = buf.toString('utf8', cursor, nameEnd);
        cursor = nameEnd + 1;
        const docs: Document[] = [];
        while (cursor < sectionEnd) {
          const docSize = buf.readInt32LE(cursor);
          docs.push(BSON.deserialize(buf.subarray(cursor, cursor + docSize), RAW_OPTIONS));
          cursor += docSize;
        }
        sequences.push([identifier, docs]);
        offset = sectionEnd;
      } else {
        throw new Error(`unknown OP_MSG section kind ${kind}`);
      }
    }
    if (!command) throw new Error('OP_MSG without a body section');
    for (const [identifier, docs] of sequences) command[identifier] = [...(command[identifier] ?? []), ...docs];
    return { header, command: promote(command) as Document, raw: command, moreToCome: Boolean(flags & MORE_TO_COME), legacy: false };
  }
  if (header.opCode === OP_QUERY) {
    let offset = 20;
    const nameEnd = buf.indexOf(0, offset);
    const fullCollectionName = buf.toString('utf8', offset, nameEnd);
    offset = nameEnd + 1 + 8; // numberToSkip, numberToReturn
    const size = buf.readInt32LE(offset);
    const query = BSON.deserialize(buf.subarray(offset, offset + size), RAW_OPTIONS);
    // Legacy commands may wrap the command as {$query: {...}}.
    const raw = (query.$query as Document | undefined) ?? query;
    raw.$db ??= fullCollectionName.split('.')[0];
    return { header, command: promote(raw) as Document, raw, moreToCome: false, legacy: true };
  }
  throw new Error(`unsupported opCode ${header.opCode}`);
}

let nextRequestId = 1;

export function encodeReply(request: ParsedMessage, reply: Document): Buffer {
  const body = BSON.serialize(reply);
  const requestId = nextRequestId++ & 0x7fffffff;
  if (request.legacy) {
    const header = Buffer.alloc(36);
    header.writeInt32LE(36 + body.length, 0);
    header.writeInt32LE(requestId, 4);
    header.writeInt32LE(request.header.requestId, 8);
    header.writeInt32LE(OP_REPLY, 12);
    header.writeInt32LE(0, 16); // responseFlags
    header.writeBigInt64LE(0n, 20); // cursorId
    header.writeInt32LE(0, 28); // startingFrom
    header.writeInt32LE(1, 32); // numberReturned
    return Buffer.concat([header, body]);
  }
  const header = Buffer.alloc(21);
  header.writeInt32LE(21 + body.length, 0);
  header.writeInt32LE(requestId, 4);
  header.writeInt32LE(request.header.requestId, 8);
  header.writeInt32LE(OP_MSG, 12);
  header.writeUInt32LE(0, 16);
  header.writeUInt8(0, 20);
  return Buffer.concat([header, body]);
}
