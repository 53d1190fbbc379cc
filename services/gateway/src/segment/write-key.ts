/**
 * The write key of "Authorization: Basic base64(writeKey:)", Segment's form: the key is the user
 * name and the password is empty (and ignored, as Segment does).
 */
export function basicAuthUser(header: string | undefined): string | undefined {
  const match = header === undefined ? null : /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  const user = decoded.slice(0, decoded.includes(":") ? decoded.indexOf(":") : undefined);
  return user.length > 0 ? user : undefined;
}
