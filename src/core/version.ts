/** The protocol version every message carries (`v`); its own module so the content script may import it. */
export const PROTOCOL_VERSION = 1;
