/*! @cfworker/json-schema 4.1.6 (dist/esm/types.js) | MIT License | Copyright (c) Jeremy Danyow | https://github.com/cfworker/cfworker | see LICENSE in this folder */
export var OutputFormat;
(function (OutputFormat) {
    OutputFormat[OutputFormat["Flag"] = 1] = "Flag";
    OutputFormat[OutputFormat["Basic"] = 2] = "Basic";
    OutputFormat[OutputFormat["Detailed"] = 4] = "Detailed";
})(OutputFormat || (OutputFormat = {}));
