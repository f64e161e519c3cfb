// Lucide publishes one module per icon without a declaration of its own: each is a list of
// SVG elements as [tag, attributes].
declare module 'lucide/dist/esm/icons/*.mjs' {
  const icon: [tag: string, attributes: Record<string, string | number>][];
  export default icon;
}
