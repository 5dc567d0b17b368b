// Produce the golden ESC/POS byte files of three independent npm encoders.
//
// These bytes are other people's ESC/POS: tests/unit/test_printer_npm_golden.py feeds them
// into the printer simulator, so the simulator is checked against encoders it was not
// written with. How to re-make them (outside the repository, the npm registry reachable):
//
//   mkdir /tmp/npmgold && cd /tmp/npmgold && npm init -y
//   npm install --ignore-scripts @point-of-sale/receipt-printer-encoder@4.0.1 \
//       esc-pos-encoder@2.1.0 react-thermal-printer@0.19.0 react@18 react-dom@18
//   NODE_PATH=/tmp/npmgold/node_modules node tests/golden/npm/generate.cjs tests/golden/npm
//
// (receipt-printer-encoder 4.0.1 is published as @point-of-sale/receipt-printer-encoder.)
// --ignore-scripts skips building node-canvas, which esc-pos-encoder 2.1.0 imports for
// images only: a stub stands in for it below and no image is made with that encoder.
'use strict';

const fs = require('fs');
const path = require('path');
const Module = require('module');

const realLoad = Module._load;
Module._load = function load(request, parent, isMain) {
  if (request === 'canvas') {
    return {createCanvas() { throw new Error('node-canvas is not built here'); }};
  }
  return realLoad.call(this, request, parent, isMain);
};

const ReceiptPrinterEncoder = require('@point-of-sale/receipt-printer-encoder');
const EscPosEncoder = require('esc-pos-encoder');
const React = require('react');
const rtp = require('react-thermal-printer');

const QR_PAYLOAD = 'EBT1:CASE:53010020261121000123';

/** A 64 x 48 test picture: a black frame and a filled disc (ImageData-like, RGBA). */
class ImageData {
  constructor(width, height) {
    this.width = width;
    this.height = height;
    this.data = new Uint8ClampedArray(width * height * 4).fill(255);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const frame = x < 3 || y < 3 || x >= width - 3 || y >= height - 3;
        const disc = (x - width / 2) ** 2 + (y - height / 2) ** 2 < (height / 4) ** 2;
        if (frame || disc) {
          const i = (y * width + x) * 4;
          this.data[i] = this.data[i + 1] = this.data[i + 2] = 0;
        }
      }
    }
  }
}

function receiptPrinterEncoder() {
  const picture = new ImageData(64, 48);
  const encoder = new ReceiptPrinterEncoder({language: 'esc-pos', columns: 48});
  return encoder
      .initialize()
      .line('RPE 4.0.1 Hello printer')
      .bold(true).line('Bold line').bold(false)
      .underline(true).line('Underlined').underline(false)
      .align('center').line('Centered').align('left')
      .size(2, 2).line('Big').size(1, 1)
      .codepage('cp850').line('Grüße café')
      .codepage('cp437')
      .barcode('EBT-12345', 'code128', {height: 60, width: 2, text: 'below'})
      .barcode('590123412345', 'ean13', {height: 60, width: 2, text: 'below'})
      .qrcode(QR_PAYLOAD, {model: 2, size: 6, errorlevel: 'm'})
      .image(picture, {width: 64, height: 48, algorithm: 'threshold', mode: 'column'})
      .image(picture, {width: 64, height: 48, algorithm: 'threshold', mode: 'raster'})
      .line('End of RPE')
      .cut()
      .encode();
}

function escPosEncoder() {
  const encoder = new EscPosEncoder();
  return encoder
      .initialize()
      .codepage('cp437')
      .line('EPE 2.1.0 Hello printer')
      .bold(true).line('Bold line').bold(false)
      .underline(true).line('Underlined').underline(false)
      .align('center').line('Centered').align('left')
      .size('small').line('Small font').size('normal')
      .barcode('3130630574613', 'ean13', 60)
      .newline()
      .barcode('{BABC-123', 'code128', 60)
      .newline()
      .qrcode(QR_PAYLOAD, 2, 6, 'm')
      .newline()
      .line('End of EPE')
      .cut('partial')
      .encode();
}

async function reactThermalPrinter() {
  const h = React.createElement;
  const {Printer, Text, Line, Row, Barcode, QRCode, Cut, Br, render} = rtp;
  const receipt = h(Printer, {type: 'epson', width: 48, characterSet: 'china'},
      h(Text, {align: 'center', bold: true, size: {width: 2, height: 2}}, '受理凭证'),
      h(Text, null, 'RTP 0.19.0 中文 Chinese'),
      h(Line, null),
      h(Row, {left: '办件编号', right: '0123'}),
      h(Br, null),
      h(Barcode, {type: 'CODE128', content: '{BRTP-42', align: 'center', hriPosition: 'bottom'}),
      h(Barcode, {type: 'JAN13', content: '4006381333931', align: 'center'}),
      h(QRCode, {content: QR_PAYLOAD, align: 'center', cellSize: 6, correction: 'M'}),
      h(Text, null, 'End of RTP'),
      h(Cut, null));
  return render(receipt);
}

async function main() {
  const out = process.argv[2] || __dirname;
  const files = {
    'receipt-printer-encoder-4.0.1.bin': receiptPrinterEncoder(),
    'esc-pos-encoder-2.1.0.bin': escPosEncoder(),
    'react-thermal-printer-0.19.0.bin': await reactThermalPrinter(),
  };
  for (const [name, bytes] of Object.entries(files)) {
    fs.writeFileSync(path.join(out, name), Buffer.from(bytes));
    console.log(`${name}: ${bytes.length} bytes`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
