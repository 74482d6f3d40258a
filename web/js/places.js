// Mexico's 32 states by INEGI code (Marco Geoestadístico): the catalogue's place filter.
// Municipalities (some 2,500) are not listed here: the filter offers those the catalogue
// has procedures of.

const STATES = [
  ["01", "Aguascalientes"],
  ["02", "Baja California"],
  ["03", "Baja California Sur"],
  ["04", "Campeche"],
  ["05", "Coahuila de Zaragoza"],
  ["06", "Colima"],
  ["07", "Chiapas"],
  ["08", "Chihuahua"],
  ["09", "Ciudad de México", "Mexico City"],
  ["10", "Durango"],
  ["11", "Guanajuato"],
  ["12", "Guerrero"],
  ["13", "Hidalgo"],
  ["14", "Jalisco"],
  ["15", "Estado de México", "State of Mexico"],
  ["16", "Michoacán de Ocampo"],
  ["17", "Morelos"],
  ["18", "Nayarit"],
  ["19", "Nuevo León"],
  ["20", "Oaxaca"],
  ["21", "Puebla"],
  ["22", "Querétaro"],
  ["23", "Quintana Roo"],
  ["24", "San Luis Potosí"],
  ["25", "Sinaloa"],
  ["26", "Sonora"],
  ["27", "Tabasco"],
  ["28", "Tamaulipas"],
  ["29", "Tlaxcala"],
  ["30", "Veracruz de Ignacio de la Llave"],
  ["31", "Yucatán"],
  ["32", "Zacatecas"],
];

export function states(language) {
  return STATES.map(([code, es, en]) => ({ code, name: language === "en" && en ? en : es }));
}

export const isState = (code) => STATES.some(([known]) => known === code);
export const isMunicipality = (code) => /^\d{5}$/.test(code || "") && isState(code.slice(0, 2));

// The municipalities the catalogue has procedures of, in one state: [{code, name}], from
// the facets of GET /procedures ({code, name} each).
export function municipalities(known, state) {
  return (known || []).filter((item) => item.code.startsWith(state));
}
