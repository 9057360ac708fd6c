// The docs pages: Swagger UI's shell over the OpenAPI document, and the same document rendered server-side without scripts.
import type { JsonSchema, OpenApiDocument, OperationObject, ParameterObject } from './openapi-schema.ts';

/** Text for HTML content or a quoted attribute: &, <, >, " and ' as numeric character references. */
export const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

const code = (text: string) => `<code>${escapeHtml(text)}</code>`;
const pre = (schema: JsonSchema) => `<pre>${escapeHtml(JSON.stringify(schema, null, 2))}</pre>`;

/** One line for a parameter's schema: its type, allowed values, bounds and default. */
export function describeSchema(schema: JsonSchema): string {
  const parts: string[] = [];
  if (Array.isArray(schema.enum)) parts.push(`one of ${schema.enum.map((value) => code(String(value))).join(', ')}`);
  else if (typeof schema.type === 'string') parts.push(escapeHtml(schema.type));
  if (typeof schema.minimum === 'number') parts.push(`≥ ${schema.minimum}`);
  if (typeof schema.minLength === 'number') parts.push(`at least ${schema.minLength} character(s)`);
  if (typeof schema.pattern === 'string') parts.push(`matching ${code(schema.pattern)}`);
  if (typeof schema.contentMediaType === 'string') parts.push(escapeHtml(schema.contentMediaType));
  if (schema.default !== undefined) parts.push(`default ${code(String(schema.default))}`);
  return parts.join(', ');
}

/** A parameter's schema cell: its schema in one line, or for a JSON-encoded parameter the JSON value's schema. */
function describeParameter({ schema, content }: ParameterObject): string {
  if (schema) return describeSchema(schema);
  const [mediaType = '', media] = Object.entries(content ?? {})[0] ?? [];
  return `${escapeHtml(mediaType)} text of a value matching<details><summary>Schema</summary>${pre(media?.schema ?? {})}</details>`;
}

function parameterRows(parameters: readonly ParameterObject[]): string {
  if (parameters.length === 0) return '<p>No parameters.</p>';
  const rows = parameters.map(
    (parameter) =>
      `<tr><td>${code(parameter.name)}</td><td>${parameter.in}</td><td>${parameter.required ? 'yes' : 'no'}</td>` +
      `<td>${describeParameter(parameter)}</td><td>${escapeHtml(parameter.description)}</td></tr>`,
  );
  return `<table><thead><tr><th>Name</th><th>In</th><th>Required</th><th>Schema</th><th>Notes</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function operationSection(method: string, path: string, operation: OperationObject): string {
  const body = operation.requestBody;
  const bodyHtml = body
    ? `<h4>Request body (JSON${body.required ? ', required' : ', optional'})</h4>${pre(body.content['application/json'].schema)}`
    : '';
  const responses = Object.entries(operation.responses).map(([status, response]) => {
    const schema = response.content?.['application/json'].schema;
    const shape = !schema ? ' No body.' : status === '200' ? `<details><summary>Schema</summary>${pre(schema)}</details>` : ' Matrix error.';
    return `<li><strong>${status}</strong> ${escapeHtml(response.description)}${shape}</li>`;
  });
  return [
    `<section id="${escapeHtml(operation.operationId)}">`,
    `<h3><span class="method">${method.toUpperCase()}</span> ${code(path)}</h3>`,
    `<p>${escapeHtml(operation.summary)}</p>`,
    `<h4>Parameters</h4>${parameterRows(operation.parameters)}`,
    bodyHtml,
    `<h4>Responses</h4><ul>${responses.join('')}</ul>`,
    '</section>',
  ].join('\n');
}

const STYLE = `body{font-family:system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem;line-height:1.4}
section{border-top:1px solid #ccc;padding-top:.5rem}table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:.2rem .5rem;text-align:left;vertical-align:top}
.method{display:inline-block;min-width:4.5rem;font-family:monospace}pre{background:#f6f6f6;padding:.5rem;overflow:auto;max-height:30rem}`;

/**
 * Renders the whole document as HTML: an index of operations, then each with its parameters, body and responses.
 * URLs are relative to where the page is served, /_facade/docs/plain by default.
 */
export function renderDocsPage(
  document: OpenApiDocument,
  { specUrl = '../openapi.json', interactiveUrl = '../docs' }: { specUrl?: string; interactiveUrl?: string } = {},
): string {
  const operations = Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]) => ({ method, path, operation })),
  );
  const index = operations.map(
    ({ method, path, operation }) =>
      `<li><a href="#${escapeHtml(operation.operationId)}">${method.toUpperCase()} ${escapeHtml(path)}</a> — ${escapeHtml(operation.summary)}</li>`,
  );
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(document.info.title)}</title><style>${STYLE}</style></head>
<body>
<h1>${escapeHtml(document.info.title)}</h1>
<p>Version ${escapeHtml(document.info.version)}. ${escapeHtml(document.info.description)}
The machine-readable document is <a href="${escapeHtml(specUrl)}">OpenAPI ${escapeHtml(document.openapi)}</a>.
Every operation needs <code>Authorization: Bearer &lt;admin access token&gt;</code>.
To try calls from the browser, use the <a href="${escapeHtml(interactiveUrl)}">interactive reference</a>.</p>
<h2>Operations</h2><ul>${index.join('')}</ul>
${operations.map(({ method, path, operation }) => operationSection(method, path, operation)).join('\n')}
<section id="MatrixError"><h2>Matrix error</h2>${pre(document.components.schemas.MatrixError ?? {})}</section>
</body></html>
`;
}

/**
 * Starts Swagger UI on the facade's OpenAPI document. Served as its own file so the page needs no inline
 * script. The document's URL is resolved against the page's own, so it holds behind a path-preserving proxy.
 * persistAuthorization keeps the pasted token in the browser's localStorage for this origin (survives a reload,
 * readable by any script this origin serves: the CSP allows only the facade's own). No validatorUrl: Swagger UI
 * would otherwise send the document to validator.swagger.io.
 */
export const DOCS_INITIALIZER_SCRIPT = `// Starts Swagger UI on the facade's OpenAPI document (served by the facade, see src/facade/docs-page.ts).
window.ui = SwaggerUIBundle({
  url: new URL('openapi.json', document.baseURI).href,
  dom_id: '#swagger-ui',
  deepLinking: true,
  persistAuthorization: true,
  tryItOutEnabled: true,
  validatorUrl: null,
  presets: [SwaggerUIBundle.presets.apis],
  layout: 'BaseLayout',
});
`;

/** Where the interactive page finds its files, as URLs relative to /_facade/docs. */
export interface InteractiveDocsUrls {
  stylesheet: string;
  icon: string;
  bundle: string;
  initializer: string;
}

/**
 * Renders the interactive page: Swagger UI's shell, every file loaded from the facade itself (no CDN, no inline
 * script), with a link to the plain page for readers without JavaScript. Served at /_facade/docs.
 */
export function renderInteractiveDocsPage(document: OpenApiDocument, urls: InteractiveDocsUrls): string {
  const title = escapeHtml(document.info.title);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<link rel="stylesheet" href="${escapeHtml(urls.stylesheet)}">
<link rel="icon" type="image/png" href="${escapeHtml(urls.icon)}">
<style>.facade-docs-links{font-family:system-ui,sans-serif;max-width:1460px;margin:.5rem auto 0;padding:0 20px}</style>
</head>
<body>
<p class="facade-docs-links"><a href="docs/plain">Plain HTML reference</a> · <a href="openapi.json">OpenAPI document</a></p>
<noscript><p class="facade-docs-links">This reference needs JavaScript. The <a href="docs/plain">plain HTML reference</a> does not.</p></noscript>
<div id="swagger-ui"></div>
<script src="${escapeHtml(urls.bundle)}"></script>
<script src="${escapeHtml(urls.initializer)}"></script>
</body></html>
`;
}
