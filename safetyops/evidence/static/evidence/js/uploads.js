/* Evidence uploads on weak mobile networks (no inline scripts: the CSP is script-src 'self').

   - <input type="file" data-shrink>: photos are shrunk in the browser (long side <= 1920 px, JPEG 0.85)
     before they are sent; PDFs and photos that are already small are kept as they are. Each choice adds
     to the files already chosen (a camera input takes one photo at a time); a preview list shows them.
     With data-max-bytes (the server's limit), a file still larger after shrinking (a PDF, a photo that
     cannot be shrunk) is refused at once with a message and never sent: not after minutes of upload.
   - <form data-upload-form>: sent with XMLHttpRequest and a progress bar. When the network fails,
     "重试" re-sends the SAME FormData: its hidden idempotency key makes the server apply it once.
     The answer (the page after the redirect, or the form with its errors) replaces the document.
   Without JavaScript the same forms post normally. */
(function () {
  "use strict";

  var MAX_SIDE = 1920;
  var QUALITY = 0.85;
  var SHRINKABLE = /^image\/(jpeg|png|webp)$/;

  function text(key) {
    var messages = {
      sending: "正在上传…",
      processing: "已上传，正在保存…",
      failed: "网络中断，未能提交。已填写的内容和照片都还在，可直接重试。",
      retry: "重试",
      remove: "移除",
      shrinking: "正在压缩照片…",
      tooLarge: "“{name}”有 {size}，超过上限 {limit}，未添加，不会上传。请压缩后重新选择（PDF 可压缩或分成几份）。"
    };
    return messages[key];
  }

  function maxBytes(input) {
    var limit = parseInt(input.getAttribute("data-max-bytes") || "", 10);
    return limit > 0 ? limit : 0;
  }

  /* The refusal message under the input (after its preview list); an empty list removes it. */
  function showRefused(input, files) {
    var box = input._refusedBox;
    if (!files.length) {
      if (box) box.hidden = true;
      return;
    }
    if (!box) {
      box = document.createElement("div");
      box.className = "upload-refused alert alert-danger py-2 px-3 small mt-2 mb-0";
      box.setAttribute("role", "alert");
      (input._previewList || input).insertAdjacentElement("afterend", box);
      input._refusedBox = box;
    }
    box.textContent = files.map(function (file) {
      return text("tooLarge").replace("{name}", file.name || "").replace("{size}", humanSize(file.size))
        .replace("{limit}", humanSize(maxBytes(input)));
    }).join(" ");
    box.hidden = false;
  }

  /* Files in the input itself that are over its limit (a browser that cannot set input.files). */
  function oversizedIn(form) {
    var found = [];
    form.querySelectorAll("input[type=file][data-max-bytes]").forEach(function (input) {
      var limit = maxBytes(input);
      Array.prototype.forEach.call(input.files || [], function (file) {
        if (limit && file.size > limit) found.push({ input: input, file: file });
      });
    });
    return found;
  }

  function humanSize(bytes) {
    if (bytes >= 1024 * 1024) return (bytes / 1024 / 1024).toFixed(1) + " MB";
    return Math.max(1, Math.round(bytes / 1024)) + " KB";
  }

  function loadImage(file) {
    return new Promise(function (resolve, reject) {
      var url = URL.createObjectURL(file);
      var img = new Image();
      img.onload = function () { URL.revokeObjectURL(url); resolve(img); };
      img.onerror = function () { URL.revokeObjectURL(url); reject(new Error("decode")); };
      img.src = url;
    });
  }

  /* Resolve to a File no larger than MAX_SIDE on its long side; any failure keeps the original. */
  function shrink(file) {
    if (!SHRINKABLE.test(file.type) || !window.HTMLCanvasElement) return Promise.resolve(file);
    return loadImage(file).then(function (img) {
      var width = img.naturalWidth, height = img.naturalHeight;
      var longSide = Math.max(width, height);
      if (!longSide || longSide <= MAX_SIDE) return file;
      var scale = MAX_SIDE / longSide;
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(width * scale);
      canvas.height = Math.round(height * scale);
      var ctx = canvas.getContext("2d");
      ctx.fillStyle = "#fff"; // transparent PNG areas would turn black in a JPEG
      ctx.fillRect(0, 0, canvas.width, canvas.height);
      ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
      return new Promise(function (resolve) {
        canvas.toBlob(function (blob) {
          if (!blob || blob.size >= file.size) { resolve(file); return; }
          var name = file.name.replace(/\.[^.]*$/, "") + ".jpg";
          try {
            resolve(new File([blob], name, { type: "image/jpeg", lastModified: Date.now() }));
          } catch (e) { // very old WebViews without the File constructor
            blob.name = name;
            resolve(blob);
          }
        }, "image/jpeg", QUALITY);
      });
    }).catch(function () { return file; });
  }

  /* Put the chosen files back into the input so that a plain (non-XHR) submit sends them too. */
  function setInputFiles(input, files) {
    try {
      var transfer = new DataTransfer();
      files.forEach(function (f) { if (f instanceof File) transfer.items.add(f); });
      input.files = transfer.files;
      return true;
    } catch (e) {
      return false;
    }
  }

  function renderPreview(input) {
    var list = input._previewList;
    if (!list) {
      list = document.createElement("ul");
      list.className = "upload-preview";
      input.insertAdjacentElement("afterend", list);
      input._previewList = list;
    }
    (input._previewUrls || []).forEach(function (url) { URL.revokeObjectURL(url); });
    input._previewUrls = [];
    list.textContent = "";
    input._files.forEach(function (file, index) {
      var item = document.createElement("li");
      if (/^image\//.test(file.type)) {
        var img = document.createElement("img");
        var url = URL.createObjectURL(file);
        input._previewUrls.push(url);
        img.src = url;
        img.alt = file.name || "";
        item.appendChild(img);
      } else {
        var box = document.createElement("span");
        box.className = "upload-pdf";
        box.innerHTML = '<i class="bi bi-file-earmark-pdf"></i>';
        item.appendChild(box);
      }
      var caption = document.createElement("span");
      caption.textContent = humanSize(file.size);
      item.appendChild(caption);
      if (input._canAccumulate) {
        var remove = document.createElement("button");
        remove.type = "button";
        remove.className = "btn btn-sm btn-danger upload-remove";
        remove.setAttribute("aria-label", text("remove") + " " + (file.name || ""));
        remove.textContent = "×";
        remove.addEventListener("click", function () {
          input._files.splice(index, 1);
          setInputFiles(input, input._files);
          renderPreview(input);
        });
        item.appendChild(remove);
      }
      list.appendChild(item);
    });
  }

  function onFilesChosen(input) {
    var chosen = Array.prototype.slice.call(input.files || []);
    if (!chosen.length) { // a cancelled chooser empties the input: keep what was chosen before
      if (input._files && input._files.length) setInputFiles(input, input._files);
      return;
    }
    var previous = input._canAccumulate ? (input._files || []) : [];
    input._pending = Promise.all(chosen.map(shrink)).then(function (files) {
      var limit = maxBytes(input);
      var refused = files.filter(function (file) { return limit && file.size > limit; });
      input._files = previous.concat(files.filter(function (file) { return refused.indexOf(file) === -1; }));
      if (!setInputFiles(input, input._files)) input._canAccumulate = false;
      renderPreview(input);
      showRefused(input, refused);
      input._pending = null;
    });
  }

  function initInput(input) {
    if (input._uploadReady) return;
    input._uploadReady = true;
    input._files = [];
    input._canAccumulate = typeof DataTransfer === "function" && input.multiple;
    input.addEventListener("change", function () { onFilesChosen(input); });
  }

  /* Upload -------------------------------------------------------------------------------------- */

  function statusBox(form) {
    var box = form.querySelector("[data-upload-status]");
    if (!box) {
      box = document.createElement("div");
      box.setAttribute("data-upload-status", "");
      form.appendChild(box);
    }
    return box;
  }

  function showProgress(form, fraction, label) {
    var box = statusBox(form);
    box.className = "upload-progress";
    box.innerHTML = '<div class="small mb-1"></div><div class="progress" role="progressbar" aria-valuemin="0" ' +
      'aria-valuemax="100"><div class="progress-bar progress-bar-striped progress-bar-animated"></div></div>';
    box.firstChild.textContent = label;
    var percent = Math.round(fraction * 100);
    var bar = box.querySelector(".progress-bar");
    bar.style.width = percent + "%";
    bar.textContent = percent + "%";
    box.querySelector(".progress").setAttribute("aria-valuenow", String(percent));
  }

  function showFailure(form, formData, url) {
    var box = statusBox(form);
    box.className = "upload-progress";
    box.innerHTML = '<div class="alert alert-warning d-flex flex-wrap align-items-center gap-2 mb-2" role="alert">' +
      '<span class="flex-grow-1"></span><button type="button" class="btn btn-warning btn-sm"></button></div>';
    box.querySelector("span").textContent = text("failed");
    var button = box.querySelector("button");
    button.textContent = text("retry");
    button.addEventListener("click", function () { send(form, formData, url); });
    setBusy(form, false);
  }

  function setBusy(form, busy) {
    form.querySelectorAll("button[type=submit], input[type=submit]").forEach(function (b) { b.disabled = busy; });
    form.setAttribute("aria-busy", busy ? "true" : "false");
  }

  /* The response is a whole page: the one redirected to, or the form again with its errors. */
  function showPage(html, url) {
    if (url && url !== window.location.href) window.history.replaceState(null, "", url);
    document.open();
    document.write(html);
    document.close();
    window.scrollTo(0, 0);
  }

  function send(form, formData, url) {
    setBusy(form, true);
    showProgress(form, 0, text("sending"));
    var xhr = new XMLHttpRequest();
    xhr.open("POST", url);
    xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
    xhr.upload.addEventListener("progress", function (event) {
      if (event.lengthComputable) showProgress(form, event.loaded / event.total, text("sending"));
    });
    xhr.upload.addEventListener("load", function () { showProgress(form, 1, text("processing")); });
    xhr.addEventListener("load", function () {
      var type = xhr.getResponseHeader("Content-Type") || "";
      if (xhr.status === 0 || xhr.status >= 500 || type.indexOf("text/html") === -1) {
        // A server or gateway error, or not our page: the same key makes a retry safe.
        if (xhr.status >= 200 && xhr.status < 300 && xhr.responseURL) { window.location.assign(xhr.responseURL); return; }
        showFailure(form, formData, url);
        return;
      }
      showPage(xhr.responseText, xhr.responseURL);
    });
    xhr.addEventListener("error", function () { showFailure(form, formData, url); });
    xhr.addEventListener("timeout", function () { showFailure(form, formData, url); });
    xhr.addEventListener("abort", function () { showFailure(form, formData, url); });
    xhr.send(formData);
  }

  function buildFormData(form, submitter) {
    var formData = new FormData(form);
    if (submitter && submitter.name) formData.append(submitter.name, submitter.value);
    form.querySelectorAll("input[type=file][data-shrink]").forEach(function (input) {
      if (!input.name || !input._files) return;
      formData.delete(input.name);
      input._files.forEach(function (file) { formData.append(input.name, file, file.name || "photo.jpg"); });
    });
    return formData;
  }

  function initForm(form) {
    if (form._uploadReady || !window.FormData || !window.XMLHttpRequest) return;
    form._uploadReady = true;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (form.getAttribute("aria-busy") === "true") return;
      setBusy(form, true);
      var pending = [];
      form.querySelectorAll("input[type=file][data-shrink]").forEach(function (input) {
        if (input._pending) pending.push(input._pending);
      });
      if (pending.length) showProgress(form, 0, text("shrinking"));
      Promise.all(pending).then(function () {
        var oversized = oversizedIn(form).filter(function (found) { return found.input._files === undefined; });
        if (oversized.length) { // no files list of our own to send instead: send nothing
          oversized.forEach(function (found) { showRefused(found.input, [found.file]); });
          setBusy(form, false);
          statusBox(form).textContent = "";
          return;
        }
        // One FormData per submit: the retry button re-sends exactly this one.
        send(form, buildFormData(form, event.submitter), form.action || window.location.href);
      });
    });
  }

  function init(root) {
    root = root && root.querySelectorAll ? root : document;
    root.querySelectorAll("input[type=file][data-shrink]").forEach(initInput);
    root.querySelectorAll("form[data-upload-form]").forEach(initForm);
  }

  // Content swapped in by htmx (a checklist card) gets the same behaviour.
  document.addEventListener("htmx:load", function (event) { init(event.detail.elt.parentNode || document); });

  // An htmx post (a checklist card with photos) waits until its photos are shrunk.
  document.addEventListener("htmx:confirm", function (event) {
    var elt = event.detail.elt;
    var form = elt.tagName === "FORM" ? elt : elt.closest && elt.closest("form");
    if (!form) return;
    var pending = [];
    form.querySelectorAll("input[type=file][data-shrink]").forEach(function (input) {
      if (input._pending) pending.push(input._pending);
    });
    var oversized = oversizedIn(form);
    if (!pending.length && !oversized.length) return;
    event.preventDefault();
    Promise.all(pending).then(function () {
      // input.files holds only what was accepted, unless this browser could not set it.
      var left = oversizedIn(form);
      if (left.length) { left.forEach(function (found) { showRefused(found.input, [found.file]); }); return; }
      event.detail.issueRequest(true);
    });
  });

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
