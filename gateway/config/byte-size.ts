/** Parses the configuration's size strings (`512kb`, `1mb`, `2048b`) into bytes; the schema has checked the form. */
export function parseByteSize(size: string): number {
  const match = /^(\d+)(b|kb|mb)$/i.exec(size.trim());
  if (!match) throw new Error(`not a size: ${size}`);
  const unit = match[2]!.toLowerCase();
  const factor = unit === 'mb' ? 1024 * 1024 : unit === 'kb' ? 1024 : 1;
  return Number(match[1]) * factor;
}
