/* Renders /openapi.json as a plain list of endpoints and parameters (no libraries). */
(function () {
  'use strict';
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) { node.textContent = String(text); }
    return node;
  }
  function schemaText(schema) {
    if (!schema) { return ''; }
    if (schema['enum']) { return schema['enum'].join(' | '); }
    if (schema.anyOf) { return schema.anyOf.map(schemaText).filter(Boolean).join(' | '); }
    return schema.type === 'null' ? '' : (schema.type || '');
  }
  fetch('/openapi.json').then(function (r) { return r.json(); }).then(function (api) {
    var main = document.getElementById('api');
    main.textContent = '';
    var intro = el('section', { 'class': 'panel' });
    intro.appendChild(el('h2', {}, api.info.title + ' ' + api.info.version));
    intro.appendChild(el('p', {}, api.info.description || ''));
    main.appendChild(intro);
    Object.keys(api.paths).forEach(function (path) {
      Object.keys(api.paths[path]).forEach(function (method) {
        var op = api.paths[path][method];
        var box = el('section', { 'class': 'panel' });
        box.appendChild(el('h2', {}, method.toUpperCase() + ' ' + path));
        box.appendChild(el('p', {}, op.summary || ''));
        if (op.parameters && op.parameters.length) {
          var table = el('table', { 'class': 'issues' });
          table.appendChild(el('caption', {}, 'Parameters'));
          var head = el('tr');
          ['name', 'in', 'type', 'description'].forEach(function (h) { head.appendChild(el('th', { scope: 'col' }, h)); });
          table.appendChild(head);
          op.parameters.forEach(function (p) {
            var row = el('tr');
            row.appendChild(el('td', {}, p.name + (p.required ? ' (required)' : '')));
            row.appendChild(el('td', {}, p['in']));
            row.appendChild(el('td', {}, schemaText(p.schema)));
            row.appendChild(el('td', {}, p.description || (p.schema && p.schema.description) || ''));
            table.appendChild(row);
          });
          box.appendChild(table);
        }
        if (op.requestBody) {
          box.appendChild(el('p', {}, 'Body: ' + Object.keys(op.requestBody.content).join(', ')));
        }
        var codes = Object.keys(op.responses || {}).map(function (c) {
          return c + ' ' + (op.responses[c].description || '');
        });
        box.appendChild(el('p', { 'class': 'muted' }, 'Answers: ' + codes.join('; ')));
        main.appendChild(box);
      });
    });
  });
}());
