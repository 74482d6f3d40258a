/*! @cfworker/json-schema 4.1.6 (dist/esm/pointer.js) | MIT License | Copyright (c) Jeremy Danyow | https://github.com/cfworker/cfworker | see LICENSE in this folder */
export function encodePointer(p) {
    return encodeURI(escapePointer(p)).replace(/#/g, '%23');
}
export function escapePointer(p) {
    return p.replace(/~/g, '~0').replace(/\//g, '~1');
}
