// expand.mjs reads an iCalendar feed on stdin and prints, one JSON line
// each, every occurrence that Mozilla's ical.js expands between two
// instants: node expand.mjs ICALJS_FILE FROM TO (FROM and TO in RFC 3339).
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const [icalFile, from, to] = process.argv.slice(2);
const ICAL = (await import(pathToFileURL(icalFile).href)).default;
const start = new Date(from), end = new Date(to);
const root = new ICAL.Component(ICAL.parse(readFileSync(0, 'utf8')));
for (const tz of root.getAllSubcomponents('vtimezone')) {
  ICAL.TimezoneService.register(tz);
}
const masters = new Map(), exceptions = [];
for (const v of root.getAllSubcomponents('vevent')) {
  const ev = new ICAL.Event(v);
  if (ev.isRecurrenceException()) exceptions.push(ev); else masters.set(ev.uid, ev);
}
for (const ex of exceptions) masters.get(ex.uid).relateException(ex);
for (const [uid, ev] of masters) {
  if (!ev.isRecurring()) {
    const s = ev.startDate.toJSDate();
    if (s >= start && s < end) console.log(JSON.stringify({ uid, start: s.toISOString(), end: ev.endDate.toJSDate().toISOString() }));
    continue;
  }
  const it = ev.iterator();
  for (let t = it.next(), n = 0; t && n < 5000; t = it.next(), n++) {
    const d = ev.getOccurrenceDetails(t);
    const s = d.startDate.toJSDate();
    if (t.toJSDate() > new Date(end.getTime() + 3 * 86400000) && s >= end) break;
    if (s >= start && s < end) console.log(JSON.stringify({ uid, start: s.toISOString(), end: d.endDate.toJSDate().toISOString() }));
  }
}
