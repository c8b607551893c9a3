/** crxjs: importing a content script with `?script` gives the path of its built file. */
declare module '*?script' {
  const path: string;
  export default path;
}
