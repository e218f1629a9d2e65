/* tradestd web page: plain JavaScript, no libraries, nothing loaded from elsewhere.
   Messages are sent as they were read (bytes, not re-encoded); everything shown that
   comes from a message or a report is set as text, never as HTML. */
(function () {
  'use strict';
  var $ = function (id) { return document.getElementById(id); };
  var state = { queue: [], sent: [], report: null, selected: 0, converted: {}, options: {} };
  var pasted = 0;

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function plural(n, word) { return n + ' ' + word + (n === 1 ? '' : 's'); }

  function isJson(text) { return /^[\ufeff\s]*[{[]/.test(text); }

  // ------------------------------------------------------------------ messages to check
  // Files are read concurrently; they join the queue in the order they were chosen.
  function addFiles(files) {
    var chosen = Array.prototype.slice.call(files);
    Promise.all(chosen.map(function (file) { return file.text(); })).then(function (texts) {
      texts.forEach(function (text, i) {
        state.queue.push({ name: chosen[i].name, blob: chosen[i], text: text });
      });
      renderQueue();
    });
  }

  function addPasted() {
    var text = $('paste').value;
    if (!text.trim()) { return null; }
    pasted += 1;
    var json = isJson(text);
    var name = 'pasted-' + pasted + (json ? '.json' : '.xml');
    var item = { name: name, text: text,
                 blob: new Blob([text], { type: json ? 'application/json' : 'application/xml' }) };
    $('paste').value = '';
    return item;
  }

  function renderQueue() {
    var list = $('queue');
    list.textContent = '';
    state.queue.forEach(function (item, index) {
      var li = el('li');
      li.appendChild(el('span', {}, item.name));
      li.appendChild(el('span', { 'class': 'size' }, item.blob.size.toLocaleString() + ' bytes'));
      var remove = el('button', { type: 'button', 'class': 'secondary',
                                  'aria-label': 'Remove ' + item.name }, 'Remove');
      remove.addEventListener('click', function () {
        state.queue.splice(index, 1); renderQueue();
      });
      li.appendChild(remove);
      list.appendChild(li);
    });
  }

  // ------------------------------------------------------------------ server calls
  function chosen() {  // the schema and rule packs picked on the page now
    var options = {};
    if ($('schema').value) { options.schema = $('schema').value; }
    var packs = Array.prototype.filter.call(
      document.querySelectorAll('#packs input'), function (b) { return b.checked; })
      .map(function (b) { return b.value; });
    if (packs.length) { options.rules = packs.join(','); }
    return options;
  }

  function query(options, extra) {
    var params = new URLSearchParams();
    [options, extra || {}].forEach(function (o) {
      Object.keys(o).forEach(function (k) { params.set(k, o[k]); });
    });
    var text = params.toString();
    return text ? '?' + text : '';
  }

  function form(messages) {
    var data = new FormData();
    messages.forEach(function (m) { data.append('file', m.blob, m.name); });
    return data;
  }

  function failure(response) {
    return response.json().then(function (body) {
      var message = body && body.error ? body.error.message : response.statusText;
      throw new Error(message + ' (HTTP ' + response.status + ')');
    }, function () { throw new Error('HTTP ' + response.status + ' ' + response.statusText); });
  }

  function showError(error) {
    var verdict = $('verdict');
    verdict.className = 'verdict bad';
    verdict.textContent = 'The server could not check the messages: ' + error.message;
  }

  function validate() {
    var messages = state.queue.slice();
    var item = addPasted();
    if (item) { messages.push(item); }
    if (!messages.length) {
      showError(new Error('add a file or paste a message first'));
      $('paste').focus();
      return;
    }
    $('busy').hidden = false;
    $('validate').disabled = true;
    var options = chosen();
    fetch('/v1/validate' + query(options), { method: 'POST', body: form(messages) })
      .then(function (r) { return r.ok ? r.json() : failure(r); })
      .then(function (report) {
        state.sent = messages; state.report = report; state.converted = {};
        state.options = options;
        state.queue = []; renderQueue();
        renderReport();
        $('results').focus();
      })
      .catch(showError)
      .then(function () { $('busy').hidden = true; $('validate').disabled = false; });
  }

  function download(format) {
    var names = { json: 'tradestd-report.json', sarif: 'tradestd-report.sarif',
                  html: 'tradestd-report.html' };
    fetch('/v1/validate' + query(state.options, { format: format }),
          { method: 'POST', body: form(state.sent) })
      .then(function (r) { return r.ok ? r.blob() : failure(r); })
      .then(function (blob) {
        var link = el('a', { href: URL.createObjectURL(blob), download: names[format] });
        document.body.appendChild(link); link.click(); link.remove();
        setTimeout(function () { URL.revokeObjectURL(link.href); }, 1000);
      })
      .catch(showError);
  }

  // ------------------------------------------------------------------ the report
  function renderReport() {
    var report = state.report, s = report.summary;
    var verdict = $('verdict');
    if (s.invalid === 0) {
      verdict.className = 'verdict ok';
      verdict.textContent = (s.files === 1 ? 'Valid: the message passes' :
        'Valid: all ' + s.files + ' messages pass') + ' (' + plural(s.warnings, 'warning') +
        ', ' + plural(s.infos, 'note') + ').';
    } else {
      verdict.className = 'verdict bad';
      verdict.textContent = 'Invalid: ' + s.invalid + ' of ' + plural(s.files, 'message') +
        ' fail (' + plural(s.errors, 'error') + ', ' + plural(s.warnings, 'warning') + ').';
    }
    $('downloads').hidden = false;
    var tabs = $('tabs');
    tabs.textContent = '';
    report.results.forEach(function (result, index) {
      var tab = el('button', { type: 'button', role: 'tab', id: 'tab-' + index,
                               'aria-controls': 'detail', 'aria-selected': 'false',
                               tabindex: '-1' });
      tab.appendChild(el('span', { 'class': 'mark', 'aria-hidden': 'true' },
                         result.valid ? '\u2714' : '\u2716'));
      tab.appendChild(document.createTextNode(result.path + (result.valid ? ' (valid)' : ' (invalid)')));
      tab.addEventListener('click', function () { select(index); });
      tab.addEventListener('keydown', function (event) {
        var step = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }[event.key];
        if (!step) { return; }
        event.preventDefault();
        var next = (index + step + report.results.length) % report.results.length;
        select(next); $('tab-' + next).focus();
      });
      tabs.appendChild(tab);
    });
    select(0);
  }

  function select(index) {
    state.selected = index;
    Array.prototype.forEach.call($('tabs').children, function (tab, i) {
      tab.setAttribute('aria-selected', i === index ? 'true' : 'false');
      tab.setAttribute('tabindex', i === index ? '0' : '-1');
    });
    var result = state.report.results[index], message = state.sent[index];
    var detail = $('detail');
    detail.hidden = false;
    detail.setAttribute('aria-labelledby', 'tab-' + index);
    var head = [result.path, result.message_type ? 'type ' + result.message_type : 'type unknown',
                'layers: ' + (result.layers || []).join(', ')];
    if (result.rule_packs && result.rule_packs.length) {
      head.push('rule packs: ' + result.rule_packs.map(function (p) { return p.id + ' ' + p.version; }).join(', '));
    }
    $('detail-head').textContent = head.join(' \u00b7 ');
    renderIssues(result, index);
    renderSource(result, message, index);
    $('converted-label').textContent = isJson(message.text) ? 'Converted to XML' : 'Converted to JSON';
    showView();
  }

  function issueLabel(issue) { return issue.rule_id ? issue.rule_id + ' ' + issue.code : issue.code; }

  function renderIssues(result, index) {
    var body = document.querySelector('#issues tbody');
    body.textContent = '';
    if (!result.issues.length) {
      var row = el('tr'); var cell = el('td', { colspan: '5' }, 'No issues.');
      row.appendChild(cell); body.appendChild(row); return;
    }
    result.issues.forEach(function (issue) {
      var row = el('tr');
      var sev = el('td'); sev.appendChild(el('span', { 'class': 'sev sev-' + issue.severity }, issue.severity));
      row.appendChild(sev);
      row.appendChild(el('td', {}, issueLabel(issue)));
      var where = el('td');
      if (issue.line) {
        var go = el('button', { type: 'button', 'class': 'secondary',
                                'aria-label': 'Show line ' + issue.line + ' in the source' },
                    issue.line + (issue.column ? ':' + issue.column : ''));
        go.addEventListener('click', function () { goToLine(index, issue.line); });
        where.appendChild(go);
      } else { where.textContent = '\u2013'; }
      row.appendChild(where);
      row.appendChild(el('td', {}, issue.message));
      row.appendChild(el('td', { 'class': 'path' }, issue.path || ''));
      body.appendChild(row);
    });
  }

  function note(issue) {
    var box = el('div', { 'class': 'note sev-' + issue.severity });
    box.appendChild(el('span', { 'class': 'no', 'aria-hidden': 'true' }));
    var text = el('span', { 'class': 'tx' });
    text.appendChild(el('span', { 'class': 'sev sev-' + issue.severity }, issue.severity));
    text.appendChild(document.createTextNode(' ' + issueLabel(issue) +
      (issue.column ? ' (column ' + issue.column + ')' : '') + ': ' + issue.message));
    box.appendChild(text);
    return box;
  }

  function lineText(line, columns) {
    var span = el('span', { 'class': 'tx' });
    if (!columns.length) { span.textContent = line || ' '; return span; }
    var col = Math.max(1, Math.min(columns[0], line.length || 1)) - 1;
    var end = col + 1;
    while (end < line.length && !/[\s>]/.test(line[end])) { end += 1; }
    if (end < line.length && line[end] === '>') { end += 1; }
    span.appendChild(document.createTextNode(line.slice(0, col)));
    span.appendChild(el('mark', {}, line.slice(col, end) || ' '));
    span.appendChild(document.createTextNode(line.slice(end)));
    return span;
  }

  function renderSource(result, message, index) {
    var box = $('source');
    box.textContent = '';
    var byLine = {}, loose = [];
    result.issues.forEach(function (issue) {
      if (issue.line) { (byLine[issue.line] = byLine[issue.line] || []).push(issue); }
      else { loose.push(issue); }
    });
    loose.forEach(function (issue) { box.appendChild(note(issue)); });
    var lines = message.text.split(/\r\n|\r|\n/);
    var fragment = document.createDocumentFragment();
    lines.forEach(function (line, i) {
      var number = i + 1, issues = byLine[number] || [];
      var row = el('div', { 'class': 'ln', id: 'L' + index + '-' + number, tabindex: '-1' });
      if (issues.length) {
        var worst = issues.some(function (x) { return x.severity === 'error'; }) ? 'hit' : 'hit-warning';
        row.classList.add(worst);
      }
      row.appendChild(el('span', { 'class': 'no', 'aria-hidden': 'true' }, number));
      var columns = issues.filter(function (x) { return x.column; }).map(function (x) { return x.column; });
      row.appendChild(lineText(line, columns));
      fragment.appendChild(row);
      issues.forEach(function (issue) { fragment.appendChild(note(issue)); });
    });
    box.appendChild(fragment);
  }

  function goToLine(index, line) {
    document.querySelector('input[name=view][value=source]').checked = true;
    showView();
    var row = $('L' + index + '-' + line);
    if (!row) { return; }
    row.scrollIntoView({ block: 'center' });
    row.classList.add('flash');
    setTimeout(function () { row.classList.remove('flash'); }, 1500);
    row.focus({ preventScroll: true });
  }

  // ------------------------------------------------------------------ conversion view
  function showView() {
    var converted = document.querySelector('input[name=view]:checked').value === 'converted';
    $('source').hidden = converted;
    $('converted').hidden = !converted;
    if (converted) { loadConverted(state.selected); }
  }

  function loadConverted(index) {
    var box = $('converted'), message = state.sent[index];
    if (state.converted[index] !== undefined) { show(state.converted[index]); return; }
    box.textContent = 'Converting\u2026';
    var options = state.options.schema ? { schema: state.options.schema } : {};
    fetch('/v1/convert' + query(options, { name: message.name }), { method: 'POST', body: message.blob,
      headers: { 'Content-Type': isJson(message.text) ? 'application/json' : 'application/xml' } })
      .then(function (r) {
        if (r.ok) { return r.text(); }
        if (r.status === 422) {
          return r.json().then(function (body) {
            if (body.error) { return 'Not converted: ' + body.error.message; }
            return 'Not converted: the message is not valid (see the issues above). ' +
                   'A conversion is only made from a valid message, so that nothing is lost.';
          });
        }
        return failure(r);
      })
      .then(function (text) { state.converted[index] = text; if (state.selected === index) { show(text); } })
      .catch(function (error) { box.textContent = 'Not converted: ' + error.message; });

    function show(text) {
      box.textContent = '';
      box.appendChild(el('pre', { 'aria-label': 'Converted message' }, text));
    }
  }

  // ------------------------------------------------------------------ start
  function loadSchemas() {
    fetch('/v1/schemas').then(function (r) { return r.ok ? r.json() : failure(r); })
      .then(function (listing) {
        var select = $('schema');
        listing.types.forEach(function (t) {
          select.appendChild(el('option', { value: t.key }, t.key + ': ' + t.title));
        });
        listing.schema_sets.forEach(function (s) {
          select.appendChild(el('option', { value: s.name },
                                s.name + ': configured schema set (' + s.xsd.join(', ') + ')'));
        });
        var packs = $('packs');
        listing.rule_packs.forEach(function (p) {
          var label = el('label');
          label.appendChild(el('input', { type: 'checkbox', value: p.id }));
          label.appendChild(document.createTextNode(' ' + p.id + ' (' + plural(p.rules, 'rule') + ')'));
          packs.appendChild(label);
        });
      })
      .catch(showError);
  }

  $('choose').addEventListener('click', function () { $('files').click(); });
  $('files').addEventListener('change', function (event) { addFiles(event.target.files); event.target.value = ''; });
  var drop = $('drop');
  ['dragenter', 'dragover'].forEach(function (name) {
    drop.addEventListener(name, function (event) { event.preventDefault(); drop.classList.add('over'); });
  });
  ['dragleave', 'drop'].forEach(function (name) {
    drop.addEventListener(name, function () { drop.classList.remove('over'); });
  });
  drop.addEventListener('drop', function (event) {
    event.preventDefault();
    if (event.dataTransfer && event.dataTransfer.files.length) { addFiles(event.dataTransfer.files); }
  });
  $('add-paste').addEventListener('click', function () {
    var item = addPasted();
    if (item) { state.queue.push(item); renderQueue(); }
  });
  $('clear').addEventListener('click', function () { state.queue = []; renderQueue(); });
  $('validate').addEventListener('click', validate);
  Array.prototype.forEach.call(document.querySelectorAll('#downloads button'), function (b) {
    b.addEventListener('click', function () { download(b.getAttribute('data-format')); });
  });
  Array.prototype.forEach.call(document.querySelectorAll('input[name=view]'), function (r) {
    r.addEventListener('change', showView);
  });
  loadSchemas();
}());
