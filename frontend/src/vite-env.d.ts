/// <reference types="vite/client" />

declare module 'rdkit-wasm?url' {
  const url: string;
  export default url;
}
