import {parquetWriteFile} from "hyparquet-writer";
import fs from "fs";
const [src, out, n] = process.argv.slice(2);
const docs = fs.readFileSync(src, "utf8").split(/\n<\|endoftext\|>\n?/).map(s => s.trim()).filter(s => s.length > 0).slice(0, Number(n));
parquetWriteFile({filename: out, codec: "SNAPPY", rowGroupSize: 40, columnData: [
  {name: "id", data: docs.map((_, i) => i), type: "INT32"},
  {name: "text", data: docs, type: "STRING"}]});
console.log(docs.length, "rows");
