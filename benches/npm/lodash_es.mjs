// Loading a large module graph: lodash-es is 640-odd ES modules.
import * as _ from "lodash-es";

if (_.chunk([1, 2, 3], 2).length !== 2) throw new Error("lodash-es");
