// A dual package (exports: import → .js, require → .cjs).
import { format, addDays, differenceInDays } from "date-fns";
const d = new Date(2024, 1, 28);
console.log("date-fns", format(addDays(d, 2), "yyyy-MM-dd EEEE"), differenceInDays(addDays(d, 10), d));
