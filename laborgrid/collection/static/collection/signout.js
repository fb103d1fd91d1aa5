/* Loaded by the sign-in page, which is where signing out (or an expired session) leads: the
 * pages the offline app cached for the previous user (task lists, employers' facts) are removed
 * from the device (剩余信息保护, SECURITY.md). Forms not yet sent stay in IndexedDB under their
 * owner's name, so nothing typed is lost; they sync when that person signs in again. */
(function () {
  "use strict";
  if (window.caches) {
    caches.delete("lg-pages");
  }
  try {
    localStorage.removeItem("lg-collection-user");
  } catch (e) {
    /* storage disabled: nothing was kept there either */
  }
})();
