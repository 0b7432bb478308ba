// sphinxcontrib-mermaid mermaid'i bir ES modülü olarak içe aktarır; yerel mermaid.min.js (UMD,
// diyagramlı sayfada ondan önce yüklenir) onu globalThis.mermaid olarak tanımlar. Hiçbir şey ağdan
// gelmez. Diyagramsız sayfalarda (dizin, arama) mermaid yüklenmez: boş bir yer tutucu döner.
const idle = {
  initialize() {},
  async run() {},
  registerIconPacks() {},
  registerLayoutLoaders() {},
};
export default globalThis.mermaid ?? idle;
