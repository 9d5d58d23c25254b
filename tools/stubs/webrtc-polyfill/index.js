// No WebRTC in the server: simple-peer sees RTCPeerConnection undefined, so WEBRTC_SUPPORT = false.
export const RTCPeerConnection = undefined
export const RTCSessionDescription = undefined
export const RTCIceCandidate = undefined
export default {}
