// sphinxcontrib-mermaid mermaid'i bir ES modülü olarak içe aktarır; yerel mermaid.min.js (UMD,
// sayfada ondan önce yüklenir) onu globalThis.mermaid olarak tanımlar. Hiçbir şey ağdan gelmez.
export default globalThis.mermaid;
