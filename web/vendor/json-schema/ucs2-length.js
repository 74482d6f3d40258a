/*! @cfworker/json-schema 4.1.6 (dist/esm/ucs2-length.js) | MIT License | Copyright (c) Jeremy Danyow | https://github.com/cfworker/cfworker | see LICENSE in this folder */
export function ucs2length(s) {
    let result = 0;
    let length = s.length;
    let index = 0;
    let charCode;
    while (index < length) {
        result++;
        charCode = s.charCodeAt(index++);
        if (charCode >= 0xd800 && charCode <= 0xdbff && index < length) {
            charCode = s.charCodeAt(index);
            if ((charCode & 0xfc00) == 0xdc00) {
                index++;
            }
        }
    }
    return result;
}
