/**
 * RFC 6587 framing for syslog over TCP, detected per connection from its first byte: a digit means octet
 * counting (`MSG-LEN SP SYSLOG-MSG`), anything else non-transparent framing (one message per line, LF or NUL
 * terminated, a trailing CR dropped). Frames are bounded: an oversized line is skipped up to its end; an oversized
 * or unreadable octet count ends the connection (it cannot be resynchronised).
 */
export interface FrameDecoderOptions {
  readonly maxFrameBytes: number;
  readonly onFrame: (frame: Buffer) => void;
  readonly onMalformed: (reason: string) => void;
}

export interface FrameDecoder {
  /** Returns false when the connection must be closed. */
  push(chunk: Buffer): boolean;
  /** The connection ended: a last unterminated line still counts as a frame. */
  end(): void;
  mode(): 'unknown' | 'octet-counting' | 'non-transparent';
}

const SP = 0x20;
const LF = 0x0a;
const NUL = 0x00;
const CR = 0x0d;

export function createFrameDecoder(o: FrameDecoderOptions): FrameDecoder {
  let mode: 'unknown' | 'octet-counting' | 'non-transparent' = 'unknown';
  let buf: Buffer = Buffer.alloc(0);
  let skipping = false;

  const emitLine = (line: Buffer): void => {
    const trimmed = line.length > 0 && line[line.length - 1] === CR ? line.subarray(0, -1) : line;
    if (trimmed.length > 0) o.onFrame(trimmed);
  };

  const octet = (): boolean => {
    for (;;) {
      let i = 0;
      while (i < buf.length && (buf[i] === LF || buf[i] === CR)) i++;
      if (i > 0) buf = buf.subarray(i);
      if (buf.length === 0) return true;
      const sp = buf.indexOf(SP);
      const digits = sp < 0 ? buf.length : sp;
      if (digits > 10 || !/^\d*$/.test(buf.subarray(0, digits).toString('latin1'))) {
        o.onMalformed('octet count is not a number');
        return false;
      }
      if (sp < 0) return true;
      const len = Number(buf.subarray(0, sp).toString('latin1'));
      if (len === 0 || len > o.maxFrameBytes) {
        o.onMalformed(len === 0 ? 'empty octet-counted frame' : `frame of ${len} bytes exceeds ${o.maxFrameBytes}`);
        return false;
      }
      if (buf.length < sp + 1 + len) return true;
      o.onFrame(Buffer.from(buf.subarray(sp + 1, sp + 1 + len)));
      buf = buf.subarray(sp + 1 + len);
    }
  };

  const lines = (): boolean => {
    for (;;) {
      let end = -1;
      for (let i = 0; i < buf.length; i++) {
        if (buf[i] === LF || buf[i] === NUL) {
          end = i;
          break;
        }
      }
      if (end < 0) {
        if (buf.length > o.maxFrameBytes) {
          if (!skipping) o.onMalformed(`line exceeds ${o.maxFrameBytes} bytes`);
          skipping = true;
          buf = Buffer.alloc(0);
        }
        return true;
      }
      const line = buf.subarray(0, end);
      buf = buf.subarray(end + 1);
      if (skipping) {
        skipping = false;
        continue;
      }
      if (line.length > o.maxFrameBytes) {
        o.onMalformed(`line exceeds ${o.maxFrameBytes} bytes`);
        continue;
      }
      emitLine(Buffer.from(line));
    }
  };

  return {
    push(chunk) {
      buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
      if (mode === 'unknown') {
        const first = buf.findIndex((b) => b !== LF && b !== CR && b !== SP);
        if (first < 0) return true;
        const c = buf[first] as number;
        mode = c >= 0x30 && c <= 0x39 ? 'octet-counting' : 'non-transparent';
      }
      return mode === 'octet-counting' ? octet() : lines();
    },
    end() {
      if (mode === 'non-transparent' && !skipping && buf.length > 0 && buf.length <= o.maxFrameBytes) emitLine(buf);
      else if (mode === 'octet-counting' && buf.some((b) => b !== LF && b !== CR)) o.onMalformed('connection ended inside a frame');
      buf = Buffer.alloc(0);
    },
    mode: () => mode,
  };
}
