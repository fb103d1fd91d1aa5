/* Photos compressed on the device before they are kept or sent: canvas → JPEG, longest side
 * at most maxSide pixels, quality lowered step by step until the file is under maxBytes (or the
 * quality floor is reached). LGPhoto.compress(file, maxSide, maxBytes) answers a Promise of a Blob. */
(function () {
  "use strict";
  function compress(file, maxSide, maxBytes) {
    return new Promise(function (resolve, reject) {
      var img = new Image();
      var url = URL.createObjectURL(file);
      img.onload = function () {
        var scale = Math.min(1, maxSide / Math.max(img.naturalWidth, img.naturalHeight));
        var canvas = document.createElement("canvas");
        canvas.width = Math.round(img.naturalWidth * scale);
        canvas.height = Math.round(img.naturalHeight * scale);
        canvas.getContext("2d").drawImage(img, 0, 0, canvas.width, canvas.height);
        URL.revokeObjectURL(url);
        var quality = 0.75;
        (function attempt() {
          canvas.toBlob(function (blob) {
            if (!blob) { reject(new Error("toBlob")); return; }
            if (blob.size > maxBytes && quality > 0.35) { quality -= 0.15; attempt(); return; }
            resolve(blob);
          }, "image/jpeg", quality);
        })();
      };
      img.onerror = function () { URL.revokeObjectURL(url); reject(new Error("image")); };
      img.src = url;
    });
  }
  window.LGPhoto = { compress: compress };
})();
