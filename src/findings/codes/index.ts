// The finding catalogue's rows, one file per stage. Generated once from the sources (message templates: … where a
// value goes), then kept by hand; test/findings/catalogue.test.ts checks them against src/.
import type {CatalogueRow} from '../catalogue.js'
import {PROBE_ROWS} from './probe.js'
import {CREDENTIALS_ROWS} from './credentials.js'
import {TOKEN_ROWS} from './token.js'
import {ACCESS_ROWS} from './access.js'
import {LOGIN_ROWS} from './login.js'
import {LISTING_ROWS} from './listing.js'
import {DOCTOR_ROWS} from './doctor.js'
import {DIAGNOSIS_ROWS} from './diagnosis.js'

export const ROWS: CatalogueRow[] = [...PROBE_ROWS, ...CREDENTIALS_ROWS, ...TOKEN_ROWS, ...ACCESS_ROWS, ...LOGIN_ROWS, ...LISTING_ROWS, ...DOCTOR_ROWS, ...DIAGNOSIS_ROWS]
